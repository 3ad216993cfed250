/**
 * The state thread: owns the SQLite connection and runs the engine's state calls in the order they were sent.
 * SQLite's work (inserts, index updates, commits, WAL checkpoints) then overlaps with parsing, rules and
 * mappings on the engine's thread, on a second core.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openSqliteState, type SqliteStateStore } from "./sqlite.js";
import {
  fromColumns,
  type RecordColumns,
  type StateCall,
  type StateMethod,
  type StateReply,
  type StateThreadOptions,
} from "./thread-protocol.js";

const port = parentPort;
if (!port) throw new Error("state-thread.js runs as a worker thread");

let store: SqliteStateStore | undefined;
let openError: unknown;
try {
  store = openSqliteState(workerData as StateThreadOptions);
} catch (error) {
  openError = error;
}

type Handler = (s: SqliteStateStore, args: unknown[]) => unknown;
type Store = SqliteStateStore;
type BufferOf = SqliteStateStore["buffer"];
/** The arguments of a store method, as ThreadedStateStore sent them (built from the same StateStore signatures). */
type Args<F> = F extends (...args: infer A) => unknown ? A : never;
type IngestArgs = Args<Store["ingest"]>;

const handlers: Record<StateMethod, Handler> = {
  ingest: (s, a) => {
    const [source, columns, rejects, checkpoint] = a as [string, RecordColumns, IngestArgs[2], IngestArgs[3]];
    return s.ingest(source, fromColumns(columns), rejects, checkpoint);
  },
  getCheckpoint: (s, a) => s.getCheckpoint(...(a as Args<Store["getCheckpoint"]>)),
  listCheckpoints: (s) => s.listCheckpoints(),
  getCursor: (s, a) => s.getCursor(...(a as Args<Store["getCursor"]>)),
  setInflight: (s, a) => s.setInflight(...(a as Args<Store["setInflight"]>)),
  acknowledge: (s, a) => s.acknowledge(...(a as Args<Store["acknowledge"]>)),
  rememberSent: (s, a) => s.rememberSent(...(a as Args<Store["rememberSent"]>)),
  delivered: (s, a) => s.delivered(...(a as Args<Store["delivered"]>)),
  expireDedup: (s, a) => s.expireDedup(...(a as Args<Store["expireDedup"]>)),
  addDeadLetters: (s, a) => s.addDeadLetters(...(a as Args<Store["addDeadLetters"]>)),
  listDeadLetters: (s, a) => s.listDeadLetters(...(a as Args<Store["listDeadLetters"]>)),
  countDeadLetters: (s) => s.countDeadLetters(),
  deleteDeadLetters: (s, a) => s.deleteDeadLetters(...(a as Args<Store["deleteDeadLetters"]>)),
  requeue: (s, a) => {
    const [columns, reason] = a as [RecordColumns, Args<Store["requeue"]>[1]];
    return s.requeue(fromColumns(columns), reason);
  },
  pluginSet: (s, a) => s.pluginSet(...(a as Args<Store["pluginSet"]>)),
  pluginEntries: (s) => s.pluginEntries(),
  close: (s) => s.close(),
  "buffer.read": (s, a) => s.buffer.read(...(a as Args<BufferOf["read"]>)),
  "buffer.lastSeq": (s, a) => s.buffer.lastSeq(...(a as Args<BufferOf["lastSeq"]>)),
  "buffer.countAfter": (s, a) => s.buffer.countAfter(...(a as Args<BufferOf["countAfter"]>)),
  "buffer.prune": (s, a) => s.buffer.prune(...(a as Args<BufferOf["prune"]>)),
};

function failure(error: unknown): { name: string; message: string; code?: string } {
  const e = error as { name?: unknown; message?: unknown; code?: unknown };
  const out: { name: string; message: string; code?: string } = {
    name: typeof e.name === "string" ? e.name : "Error",
    message: typeof e.message === "string" ? e.message : String(error),
  };
  if (typeof e.code === "string") out.code = e.code;
  return out;
}

// Async only so that a throw becomes a rejection: the handler itself runs synchronously, inside the call.
// eslint-disable-next-line @typescript-eslint/require-await
async function handle(call: StateCall): Promise<unknown> {
  if (!store) throw openError;
  return handlers[call.method](store, call.args);
}

port.on("message", (call: StateCall) => {
  const bufferBytes = () => store?.buffer.sizeBytes() ?? 0;
  // The SQLite store does its work synchronously, inside the call; only the answer is a promise, settled in a
  // microtask, before the next message is taken: replies go back in the order of the calls.
  handle(call).then(
    (value) => {
      const reply: StateReply = { id: call.id, ok: true, value, bufferBytes: bufferBytes() };
      port.postMessage(reply);
      if (call.method === "close") port.close();
    },
    (error: unknown) => {
      const reply: StateReply = { id: call.id, ok: false, error: failure(error), bufferBytes: bufferBytes() };
      port.postMessage(reply);
    },
  );
});
