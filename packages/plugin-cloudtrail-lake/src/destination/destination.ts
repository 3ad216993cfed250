/**
 * The `cloudtrail-lake` destination: ingests mapped records into a CloudTrail Lake event data store through
 * PutAuditEvents on a channel.
 *
 * `send` makes one attempt per record (send.ts: prepare, pack by the exact bytes of the body, send through the
 * account's rate limiter) and answers one outcome per record (outcomes.ts): only the events CloudTrail names in
 * `successful[]` are `ok`, so only failed events are ever sent again, never a request that already succeeded.
 */
import { randomUUID } from "node:crypto";
import {
  PermanentError,
  type Destination,
  type OutputRecord,
  type PluginContext,
} from "@logshipper/core/sdk";
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { dataEndpoint, parseChannelArn, type ChannelArn } from "../arn.js";
import { LakeClients } from "../clients.js";
import type { CloudTrailLakeConfig } from "../config.js";
import { channelStores, describeChannel, getChannel, fromSdkError } from "../control.js";
import { ERROR_CODES } from "../error-codes.js";
import { classify } from "../errors.js";
import { settle, type RecordResult } from "./outcomes.js";
import { MAX_REQUEST_BYTES, MAX_REQUEST_EVENTS } from "./prepare.js";
import { accountLimiter } from "./rate-limit.js";
import { BatchSender } from "./send.js";

export const USER_AGENT = "logshipper-plugin-cloudtrail-lake/0.1";

export function createCloudTrailLakeDestination(
  config: CloudTrailLakeConfig,
  ctx: PluginContext,
): Destination {
  const channel: ChannelArn = parseChannelArn(config.channelArn)!; // the schema checked it
  const region = config.region ?? channel.region;
  const endpoint =
    config.endpoint ??
    dataEndpoint({ partition: channel.partition, region, fips: config.fips, dualstack: config.dualstack });
  const action = `PutAuditEvents ${new URL(endpoint).host}`;
  const limiter = accountLimiter(`${channel.partition}:${channel.account}`, config.maxRequestsPerSecond);
  const now = () => ctx.clock.now();

  const clients = new LakeClients(config, region, endpoint);
  const control = () => clients.control();
  const sender = new BatchSender(config, channel.account, action, limiter, () => clients.data(), ctx);
  const sendAll = (batch: OutputRecord[], signal: AbortSignal) => sender.send(batch, signal);

  return {
    limits: {
      // One core batch is one request; core keeps `concurrency` of them on the wire while it maps the next.
      maxBatchRecords: MAX_REQUEST_EVENTS,
      // Core counts the mapped JSON; the request adds escaping and fields, so send() cuts by the real bytes
      // (a batch that grows past 1 MB on the wire goes out as two requests).
      maxBatchBytes: MAX_REQUEST_BYTES,
      maxInFlightBatches: config.concurrency,
    },

    async send(batch, signal) {
      if (batch.length === 0) return { outcomes: [] };
      return settle(await sendAll(batch, signal));
    },

    // `validate --connect`: GetChannel checks the credentials, the channel and its event data store.
    async check() {
      try {
        const info = await getChannel(control(), config.channelArn, ctx.signal);
        return describeChannel(info);
      } catch (error) {
        throw classify(fromSdkError(error), `GetChannel ${config.channelArn}`, now());
      }
    },

    // `logshipper test-destination`: one event an operator can find with `logshipper lake query`.
    test: () => sendTestEvent(config.channelArn, action, sendAll, control, ctx),

    close() {
      clients.close();
      return Promise.resolve();
    },
  };
}

/** Send the test event; say how to find it, or throw why CloudTrail did not accept it. */
async function sendTestEvent(
  channelArn: string,
  action: string,
  sendAll: (batch: OutputRecord[], signal: AbortSignal) => Promise<RecordResult[]>,
  control: () => CloudTrailClient,
  ctx: PluginContext,
): Promise<string> {
  const uid = randomUUID();
  const record = testRecord(ctx.name, uid, ctx.clock.now());
  const [result] = await sendAll([record], ctx.signal);
  if (result?.status !== "ok") {
    const outcome = settle([result!]).outcomes[0];
    throw new PermanentError(`${action}: the test event was not accepted: ${describe(outcome)}`, {
      code: ERROR_CODES.CLOUDTRAIL_EVENT_REJECTED,
    });
  }
  const stores = await getChannel(control(), channelArn, ctx.signal)
    .then(channelStores)
    .catch(() => []);
  const store = stores[0] ?? "<event-data-store-id>";
  return (
    `channel ${channelArn} accepted a test event (UID ${uid}); find it with: logshipper lake query ` +
    `--event-data-store ${store} --sql "SELECT eventData FROM ${store} WHERE eventData.uid = '${uid}'"`
  );
}

function describe(outcome: { status: string; reason?: string } | undefined): string {
  return outcome?.reason ?? outcome?.status ?? "no outcome";
}

/** The test event of `test-destination`, as a mapped record. */
export function testRecord(destination: string, uid: string, time: number): OutputRecord {
  const value = {
    version: "1.0",
    userIdentity: { type: "LogShipper", principalId: destination },
    userAgent: USER_AGENT,
    eventSource: "logshipper.test",
    eventName: "LogShipperTestEvent",
    eventTime: time,
    UID: uid,
    additionalEventData: { message: "Log Shipper test event", destination },
  };
  const json = JSON.stringify(value);
  return {
    id: uid,
    type: "event",
    subtype: "test",
    source: "test-destination",
    time,
    destination,
    mapping: "test-destination",
    value,
    json,
    bytes: Buffer.byteLength(json),
  };
}
