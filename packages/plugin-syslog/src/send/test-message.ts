/**
 * The record `logshipper test-destination` sends: a harmless message in the configured payload, shaped as core
 * would hand it over after mapping.
 */
import type { OutputRecord, PluginContext } from "@logshipper/core/sdk";
import type { SyslogDestinationConfig } from "../config.js";

function testMessage(config: SyslogDestinationConfig, name: string): unknown {
  const text = `Log Shipper test message from destination ${name}`;
  switch (config.payload) {
    case "text":
      return text;
    case "json":
      return { message: text, destination: name };
    case "cef":
      return {
        deviceVendor: "Log Shipper",
        deviceProduct: "logshipper",
        deviceVersion: "1",
        signatureId: "test",
        name: text,
        severity: 0,
        extension: { msg: text },
      };
    case "leef":
      return {
        vendor: "Log Shipper",
        product: "logshipper",
        version: "1",
        eventId: "test",
        attributes: { msg: text },
      };
  }
}

export function testRecord(config: SyslogDestinationConfig, ctx: PluginContext): OutputRecord {
  const value = { msgId: "test", message: testMessage(config, ctx.name) };
  const json = JSON.stringify(value);
  return {
    id: "test",
    type: "test",
    subtype: "",
    source: "test",
    time: ctx.clock.now(),
    destination: ctx.name,
    mapping: "test",
    value,
    json,
    bytes: Buffer.byteLength(json),
  };
}
