/**
 * Datagrams out of a connected UDP socket: one frame per datagram, a bounded number in flight (so that a large
 * batch does not flood the kernel's queue at once), in order. "Accepted" means handed to the kernel: UDP gives
 * no acknowledgement, and a receiver that is down or overloaded drops datagrams without telling us, except for
 * the ECONNREFUSED that an ICMP "port unreachable" causes on a later send.
 */
import type dgram from "node:dgram";
import { SyslogTimeoutError } from "../errors.js";

const WINDOW = 32;

export async function writeDatagrams(
  socket: dgram.Socket,
  frames: string[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ accepted: number; error?: unknown }> {
  const sent = new Uint8Array(frames.length);
  let failure: unknown;
  let next = 0;
  let inFlight = 0;
  let closed = false;
  const onClose = () => (closed = true);
  socket.once("close", onClose);
  return new Promise((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", pump);
      socket.off("close", onClose);
      let accepted = 0;
      while (accepted < frames.length && sent[accepted] === 1) accepted++;
      if (accepted === frames.length) resolve({ accepted });
      else resolve({ accepted, error: failure ?? abortReason(signal) });
    };
    const timer = setTimeout(() => {
      failure ??= new SyslogTimeoutError(`datagrams not sent within ${timeoutMs} ms`);
      finish();
    }, timeoutMs);
    function pump(): void {
      while (inFlight < WINDOW && next < frames.length && failure === undefined && !signal.aborted) {
        const index = next++;
        inFlight++;
        try {
          socket.send(frames[index]!, (error) => {
            inFlight--;
            if (error) failure ??= error;
            else if (!closed) sent[index] = 1; // no completion counts once the socket is closed
            pump();
          });
        } catch (error) {
          inFlight--;
          failure ??= error;
        }
      }
      if (inFlight === 0 && (next >= frames.length || failure !== undefined || signal.aborted)) finish();
    }
    signal.addEventListener("abort", pump);
    pump();
  });
}

function abortReason(signal: AbortSignal): Error {
  const error = new Error("the send was aborted");
  error.name = signal.aborted ? "AbortError" : "Error";
  return error;
}
