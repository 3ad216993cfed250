/**
 * zod schema of the core part of the configuration file (described for users in docs/configuration.md).
 * Plugin options are checked by each plugin.
 */
import { z } from "zod";
import { DEFAULT_MAPPING_BUDGET } from "../mapping/budget.js";
import { byteSize, duration } from "../sdk/units.js";

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const NAME_MESSAGE = "names use letters, digits, '_', '.', '-' and start with a letter or digit";
const name = z.string().regex(NAME_PATTERN, NAME_MESSAGE);

export const stateSchema = z
  .strictObject({
    dir: z.string().default(".logshipper").meta({ description: "Directory of the embedded SQLite state" }),
    maxBufferBytes: byteSize()
      .default(1024 ** 3)
      .meta({ description: "Sources pause while the durable buffer holds more than this" }),
    minFreeDiskBytes: byteSize()
      .default(64 * 1024 ** 2)
      .meta({
        description:
          "Sources pause while the state disk has less free space than this (run --once stops instead, exit 4)",
      }),
    sync: z
      .enum(["normal", "full"])
      .default("normal")
      .meta({ description: "normal survives a process crash; full also survives power loss" }),
    thread: z.boolean().default(false).meta({
      description:
        "Run the state (SQLite) on a thread of its own: with --heap default a few percent more throughput, for about 40 MB more memory",
    }),
  })
  .default({
    dir: ".logshipper",
    maxBufferBytes: 1024 ** 3,
    minFreeDiskBytes: 64 * 1024 ** 2,
    sync: "normal",
    thread: false,
  });

/** Options every source takes, whatever its plugin. */
export const sourceCoreSchema = z.object({
  plugin: z.string().min(1).meta({ description: "Source plugin type, e.g. file, s3, syslog" }),
  recordType: z
    .string()
    .min(1)
    .default("event")
    .meta({ description: "Data type of the records: alert, event, ..." }),
  subtypeField: z.string().optional().meta({ description: "Field (dotted path) holding the subtype" }),
  subtype: z.string().optional().meta({ description: "Fixed subtype when there is no subtypeField" }),
  idField: z.string().optional().meta({ description: "Field (dotted path) holding the event id" }),
  idExpression: z.string().optional().meta({ description: "JSONata expression that computes the event id" }),
  timeField: z
    .string()
    .optional()
    .meta({ description: "Field holding the event time: epoch seconds, epoch ms or ISO 8601" }),
  prefilter: z.boolean().default(true).meta({
    description:
      "Let the source skip, unparsed, lines that no business rule of this source can select (docs/performance.md)",
  }),
  interval: duration()
    .default(60_000)
    .meta({ description: "Pause between pulls when the source has nothing more" }),
});
export const SOURCE_CORE_KEYS = Object.keys(sourceCoreSchema.shape);

/** Options every destination takes, whatever its plugin. */
export const destinationCoreSchema = z.object({
  plugin: z
    .string()
    .min(1)
    .meta({ description: "Destination plugin type, e.g. file, s3, syslog, cloudtrail-lake" }),
  dedup: z
    .strictObject({
      enabled: z.boolean().default(true),
      ttl: duration().default(7 * 86_400_000),
    })
    .default({ enabled: true, ttl: 7 * 86_400_000 })
    .meta({ description: "Per-destination deduplication by record id" }),
  batch: z
    .strictObject({
      maxRecords: z.number().int().positive().optional(),
      maxBytes: byteSize().optional(),
      maxAge: duration().optional(),
      maxInFlight: z.number().int().positive().optional(),
    })
    .default({})
    .meta({ description: "Batching, within the destination's own limits" }),
  retry: z
    .strictObject({
      initialDelay: duration().default(1000),
      maxDelay: duration().default(60_000),
      pauseDelay: duration().default(30_000),
    })
    .default({ initialDelay: 1000, maxDelay: 60_000, pauseDelay: 30_000 })
    .meta({ description: "Backoff for retryable failures; pauseDelay after configuration-level failures" }),
});
export const DESTINATION_CORE_KEYS = Object.keys(destinationCoreSchema.shape);

/** The limits of one record's mapping (docs/mappings.md, "Budget"; defaults DEFAULT_MAPPING_BUDGET). */
const mappingBudgetSchema = z
  .strictObject({
    maxTime: duration().default(DEFAULT_MAPPING_BUDGET.maxMillis),
    maxSteps: z.number().int().positive().default(DEFAULT_MAPPING_BUDGET.maxSteps),
    maxItems: z.number().int().positive().default(DEFAULT_MAPPING_BUDGET.maxItems),
  })
  .default({
    maxTime: DEFAULT_MAPPING_BUDGET.maxMillis,
    maxSteps: DEFAULT_MAPPING_BUDGET.maxSteps,
    maxItems: DEFAULT_MAPPING_BUDGET.maxItems,
  })
  .meta({
    description: "Limits of each record's mapping: time, steps, range size; past them, a dead letter",
  });

export const siemMappingSchema = z.strictObject({
  name: name.optional().meta({ description: "Name of this SIEM mapping; default source.rule.destination" }),
  source: z.string(),
  rule: z.string().default("All"),
  destination: z.string(),
  mapping: z
    .string()
    .optional()
    .meta({ description: "JSONata file; default: the destination plugin's default mapping" }),
  budget: mappingBudgetSchema,
  enabled: z.boolean().default(true),
});

export const configFileSchema = z.strictObject({
  state: stateSchema,
  plugins: z.array(z.string()).default([]).meta({ description: "Extra plugin packages to load" }),
  sources: z.record(name, z.looseObject({ plugin: z.string() })).default({}),
  destinations: z.record(name, z.looseObject({ plugin: z.string() })).default({}),
  rules: z.record(name, z.string()).default({}).meta({ description: "Business rules: name -> query text" }),
  siemMappings: z.array(siemMappingSchema).default([]),
});

export type ConfigFile = z.output<typeof configFileSchema>;
export type SourceCoreOptions = z.output<typeof sourceCoreSchema>;
export type DestinationCoreOptions = z.output<typeof destinationCoreSchema>;
export type SiemMappingEntry = z.output<typeof siemMappingSchema>;
