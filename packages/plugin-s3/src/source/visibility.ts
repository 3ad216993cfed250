/**
 * Keeps received messages hidden while the source holds them: while their objects are read, while core commits
 * their records (the source is suspended at `yield` meanwhile, under backpressure too), and until they are
 * deleted. A timer extends the visibility timeout of every held message at a third of that timeout, so a message
 * never reappears (and is never read twice) because its object was large or the buffer was full.
 */
import type { Logger, Metrics } from "@logshipper/core/sdk";
import { errorName } from "../errors.js";
import type { MessageRef, Queue } from "./queue.js";

export class VisibilityKeeper {
  private readonly held = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly queue: Queue,
    /** The visibility timeout set at receive and at each extension, in seconds. */
    private readonly timeoutSeconds: number,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  /** Ids of the messages held now. */
  get ids(): string[] {
    return [...this.held.keys()];
  }

  hold(refs: readonly MessageRef[]): void {
    for (const r of refs) this.held.set(r.id, r.receiptHandle);
    if (this.timer === undefined && this.held.size > 0) {
      const every = Math.max(1000, Math.floor((this.timeoutSeconds * 1000) / 3));
      this.timer = setInterval(() => void this.extend(), every);
      this.timer.unref();
    }
  }

  /** Stop extending a message (deleted, or handed back). */
  forget(id: string): void {
    this.held.delete(id);
  }

  /** Extend every held message to the full visibility timeout again. Never throws. */
  extend(): Promise<void> {
    if (this.running) return this.running;
    const refs = this.refs([...this.held.keys()]);
    if (refs.length === 0) return Promise.resolve();
    this.running = this.queue
      .changeVisibility(refs, this.timeoutSeconds)
      .then((result) => {
        this.metrics.count("sqs_visibility_extended", result.ok.length);
        for (const f of result.failed) {
          // Deleted meanwhile, or the handle expired (then another receive owns the message): stop holding it.
          this.logger.debug({ message: f.id, code: f.code }, "could not extend a message's visibility");
          this.held.delete(f.id);
        }
      })
      .catch((error: unknown) => {
        this.logger.warn(
          { code: errorName(error) },
          "could not extend the visibility of held messages; retrying",
        );
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /**
   * Hand messages back to the queue: visible again after `seconds` (0: at once). They are no longer held.
   * Never throws: a message that could not be handed back reappears when its timeout ends.
   */
  async release(ids: readonly string[], seconds: number): Promise<void> {
    const refs = this.refs(ids);
    for (const id of ids) this.held.delete(id);
    if (refs.length === 0) return;
    try {
      // Bounded: this runs when a pull ends, at shutdown too.
      await this.queue.changeVisibility(refs, seconds, AbortSignal.timeout(5000));
    } catch (error) {
      this.logger.debug({ code: errorName(error), messages: refs.length }, "could not hand messages back");
    }
  }

  /** Stop the timer; messages are no longer extended. Idempotent. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private refs(ids: readonly string[]): MessageRef[] {
    return ids.flatMap((id) => {
      const receiptHandle = this.held.get(id);
      return receiptHandle === undefined ? [] : [{ id, receiptHandle }];
    });
  }
}
