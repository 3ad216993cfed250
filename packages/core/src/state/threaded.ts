/**
 * The engine's StateStore with `state.thread: true`: the SQLite store on a thread of its own (state-thread.ts),
 * so that buffering, checkpoints, dedup and pruning overlap with the pipeline on the engine's thread. Calls
 * keep their order; each resolves once the state thread has committed it, so the delivery guarantees are
 * those of the SQLite store. Otherwise, and for short CLI commands, the engine uses the SQLite store directly.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type {
  Acknowledgement,
  Buffer,
  BufferedRecord,
  DeadLetter,
  DeadLetterInput,
  LaneCursor,
  RecordToBuffer,
  StateStore,
} from "./interfaces.js";
import {
  toColumns,
  type StateCall,
  type StateMethod,
  type StateReply,
  type StateThreadOptions,
} from "./thread-protocol.js";

/** The state thread handles short-lived batches: a small young generation keeps its memory small. */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 512 };

/** The compiled state-thread.js next to this module (under tests, this module is the TypeScript source). */
function threadScript(): URL {
  const here = import.meta.url;
  if (here.endsWith(".ts")) return new URL("../../dist/state/state-thread.js", here);
  return new URL("./state-thread.js", here);
}

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

function pluginKey(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}

export class ThreadedStateStore implements StateStore {
  readonly buffer: Buffer;
  private bufferBytes = 0;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  /** Set when the thread failed or exited: every later call rejects with it. */
  private broken: Error | undefined;
  private closed = false;
  private closing = false;
  /** Plugin key-value state, read synchronously by plugins; writes go to the thread in call order. */
  private readonly pluginState = new Map<string, unknown>();

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: StateReply) => {
      this.bufferBytes = reply.bufferBytes;
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (reply.ok) w.resolve(reply.value);
      else w.reject(Object.assign(new Error(reply.error.message), reply.error));
    });
    worker.on("error", (error) => this.fail(error));
    worker.on("exit", (code) => {
      if (!this.closing || this.waiting.size > 0) this.fail(new Error(`state thread exited (code ${code})`));
    });
    const call = this.call.bind(this);
    this.buffer = {
      read: (source, afterSeq, limit) => call<BufferedRecord[]>("buffer.read", [source, afterSeq, limit]),
      lastSeq: (source) => call<number>("buffer.lastSeq", [source]),
      countAfter: (source, afterSeq) => call<number>("buffer.countAfter", [source, afterSeq]),
      prune: (source, upToSeq) => call<number>("buffer.prune", [source, upToSeq]),
      sizeBytes: () => this.bufferBytes,
    };
  }

  /** Start the thread, open the database there, and load the plugin state. */
  static async open(options: StateThreadOptions): Promise<ThreadedStateStore> {
    const worker = new Worker(fileURLToPath(threadScript()), {
      workerData: options,
      resourceLimits: THREAD_LIMITS,
    });
    const store = new ThreadedStateStore(worker);
    try {
      const entries = await store.call<{ scope: string; key: string; value: unknown }[]>("pluginEntries", []);
      for (const e of entries) store.pluginState.set(pluginKey(e.scope, e.key), e.value);
    } catch (error) {
      store.closing = store.closed = true;
      await worker.terminate();
      throw error;
    }
    return store;
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const w of this.waiting.values()) w.reject(this.broken);
    this.waiting.clear();
  }

  private call<T>(method: StateMethod, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(new Error("state store is closed"));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const message: StateCall = { id, method, args };
      this.worker.postMessage(message, transfer);
    });
  }

  ingest(
    source: string,
    records: RecordToBuffer[],
    rejects: DeadLetterInput[],
    checkpoint: unknown,
  ): Promise<number[]> {
    const { columns, transfer } = toColumns(records);
    return this.call("ingest", [source, columns, rejects, checkpoint], transfer);
  }
  getCheckpoint(source: string): Promise<unknown> {
    return this.call("getCheckpoint", [source]);
  }
  listCheckpoints(): Promise<{ source: string; checkpoint: unknown; updatedAt: number }[]> {
    return this.call("listCheckpoints", []);
  }
  getCursor(lane: string): Promise<LaneCursor> {
    return this.call("getCursor", [lane]);
  }
  setInflight(lane: string, ends: number[]): Promise<void> {
    return this.call("setInflight", [lane, ends]);
  }
  acknowledge(ack: Acknowledgement): Promise<void> {
    return this.call("acknowledge", [ack]);
  }
  rememberSent(destination: string, ids: string[], expiresAt: number): Promise<void> {
    return this.call("rememberSent", [destination, ids, expiresAt]);
  }
  delivered(destination: string, ids: string[], now: number): Promise<Set<string>> {
    return this.call("delivered", [destination, ids, now]);
  }
  expireDedup(now: number): Promise<number> {
    return this.call("expireDedup", [now]);
  }
  addDeadLetters(letters: DeadLetterInput[]): Promise<void> {
    return this.call("addDeadLetters", [letters]);
  }
  listDeadLetters(options?: { limit?: number; afterId?: number }): Promise<DeadLetter[]> {
    return this.call("listDeadLetters", [options]);
  }
  countDeadLetters(): Promise<number> {
    return this.call("countDeadLetters", []);
  }
  deleteDeadLetters(ids: number[]): Promise<void> {
    return this.call("deleteDeadLetters", [ids]);
  }
  requeue(records: RecordToBuffer[], deadLetterIds: number[]): Promise<void> {
    const { columns, transfer } = toColumns(records);
    return this.call("requeue", [columns, deadLetterIds], transfer);
  }

  pluginGet(scope: string, key: string): unknown {
    return this.pluginState.get(pluginKey(scope, key));
  }

  /** Takes effect at once for `pluginGet`; written by the thread before any later call (a checkpoint) commits. */
  pluginSet(scope: string, key: string, value: unknown): void {
    // Stored as its JSON round trip, as the SQLite store would give it back.
    this.pluginState.set(pluginKey(scope, key), JSON.parse(JSON.stringify(value ?? null)) as unknown);
    this.call("pluginSet", [scope, key, value]).catch((error: unknown) => this.fail(error as Error));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    try {
      if (!this.broken) await this.call("close", []);
    } finally {
      this.closed = true;
      await this.worker.terminate();
    }
  }
}
