import { openState } from "../engine/engine.js";
import { lockState } from "../state/lock.js";
import type { LogRecord } from "../sdk/types.js";
import type { RecordToBuffer } from "../state/interfaces.js";
import { CliError, EXIT_USAGE, load } from "./context.js";

export async function statusCommand(options: { config: string; json?: boolean }): Promise<void> {
  const { config, redactor } = await load(options.config);
  const store = openState(config);
  try {
    const checkpoints = await store.listCheckpoints();
    const mappings = [];
    for (const m of config.siemMappings) {
      const cursor = await store.getCursor(m.name);
      mappings.push({
        name: m.name,
        source: m.source,
        rule: m.rule.name,
        destination: m.destination,
        cursor: cursor.seq,
        backlog: await store.buffer.countAfter(m.source, cursor.seq),
        inflightBatches: cursor.inflight,
      });
    }
    const letters = await store.listDeadLetters({ limit: 1_000_000 });
    const byKey = new Map<string, number>();
    for (const d of letters) {
      const key = `${d.stage} ${d.mapping ?? d.source} ${d.code}`;
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
    const status = {
      stateDir: config.state.dir,
      bufferBytes: store.buffer.sizeBytes(),
      sources: [...config.sources.keys()].map((name) => {
        const cp = checkpoints.find((c) => c.source === name);
        return {
          name,
          checkpoint: cp?.checkpoint ?? null,
          updatedAt: cp ? new Date(cp.updatedAt).toISOString() : null,
        };
      }),
      siemMappings: mappings,
      deadLetters: {
        total: letters.length,
        groups: [...byKey.entries()].map(([key, count]) => {
          const [stage, where, code] = key.split(" ");
          return { stage, where, code, count };
        }),
      },
    };
    if (options.json) {
      process.stdout.write(redactor.redact(`${JSON.stringify(status, null, 2)}\n`));
      return;
    }
    const lines = [`state: ${status.stateDir} (buffer ${status.bufferBytes} bytes)`, "", "sources:"];
    for (const s of status.sources) {
      const cp = JSON.stringify(s.checkpoint);
      lines.push(
        `  ${s.name}: checkpoint ${cp.length > 160 ? `${cp.slice(0, 157)}...` : cp} at ${s.updatedAt ?? "never"}`,
      );
    }
    lines.push("", "SIEM mappings:");
    for (const m of status.siemMappings) {
      lines.push(
        `  ${m.name}: ${m.source} -[${m.rule}]-> ${m.destination}; backlog ${m.backlog}, cursor ${m.cursor}` +
          (m.inflightBatches.length ? `, batches in flight up to ${m.inflightBatches.join(", ")}` : ""),
      );
    }
    lines.push("", `dead letters: ${status.deadLetters.total}`);
    for (const g of status.deadLetters.groups) lines.push(`  ${g.count}  ${g.stage}  ${g.where}  ${g.code}`);
    process.stdout.write(redactor.redact(`${lines.join("\n")}\n`));
  } finally {
    await store.close();
  }
}

export async function deadletterListCommand(options: {
  config: string;
  limit: number;
  json?: boolean;
}): Promise<void> {
  const { config, redactor } = await load(options.config);
  const store = openState(config);
  try {
    const letters = await store.listDeadLetters({ limit: options.limit });
    for (const d of letters) {
      if (options.json) {
        process.stdout.write(redactor.redact(`${JSON.stringify(d)}\n`));
        continue;
      }
      const where = [d.mapping ?? d.source, d.destination, d.origin].filter(Boolean).join(" ");
      process.stdout.write(
        redactor.redact(
          `#${d.id} ${new Date(d.at).toISOString()} ${d.stage} ${where} ${d.recordId ? `id=${d.recordId} ` : ""}[${d.code}] ${d.reason}\n`,
        ),
      );
    }
    const total = await store.countDeadLetters();
    process.stderr.write(`${letters.length} of ${total} dead letter(s) shown\n`);
  } finally {
    await store.close();
  }
}

export async function deadletterReplayCommand(options: { config: string; id?: string[] }): Promise<void> {
  const { config } = await load(options.config);
  // Replay writes into the buffer: not behind a running engine's back (its lanes read recent records from memory).
  const unlock = lockState(config.state.dir);
  const store = openState(config);
  try {
    const wanted = options.id ? new Set(options.id.map(Number)) : undefined;
    if (wanted && [...wanted].some((n) => !Number.isInteger(n)))
      throw new CliError("--id takes dead letter numbers", EXIT_USAGE);
    const letters = (await store.listDeadLetters({ limit: 1_000_000 })).filter(
      (d) => !wanted || wanted.has(d.id),
    );
    const records: RecordToBuffer[] = [];
    const ids: number[] = [];
    let skipped = 0;
    const lanes = new Set(config.siemMappings.map((m) => m.name));
    for (const d of letters) {
      // Back to the SIEM mapping it failed in, and only there: the other mappings of the source have the record.
      if (d.stage === "ingest" || !config.sources.has(d.source) || !d.mapping || !lanes.has(d.mapping)) {
        skipped++;
        continue;
      }
      const r = JSON.parse(d.payload) as LogRecord;
      records.push({
        id: r.id,
        type: r.type,
        subtype: r.subtype,
        source: r.source,
        time: r.time,
        dataJson: JSON.stringify(r.data),
        origin: d.origin,
        lane: d.mapping,
      });
      ids.push(d.id);
    }
    await store.requeue(records, ids);
    process.stdout.write(
      `${records.length} record(s) put back into the buffer; the next run delivers them` +
        (skipped
          ? `; ${skipped} not replayable (malformed input, or its source or SIEM mapping is gone)`
          : "") +
        "\n",
    );
  } finally {
    await store.close();
    unlock();
  }
}
