/** Options, the output schema (envelope) and the plugin definitions. */
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { collectSecretValues } from "@logshipper/core/sdk";
import { describe, expect, it } from "vitest";
import { syslogDestinationConfig, syslogSourceConfig } from "./config.js";
import { envelopeSchema, isSdId, readEnvelope } from "./send/envelope.js";
import { DEFAULT_MAPPING, plugins, syslogDestination, syslogSource } from "./index.js";

const problems = (schema: typeof syslogDestinationConfig | typeof syslogSourceConfig, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("destination options", () => {
  it("defaults: tcp, RFC 5424, octet-counting, JSON, user.info, verification on", () => {
    const c = syslogDestinationConfig.parse({ host: "siem" });
    expect(c).toMatchObject({
      protocol: "tcp",
      format: "rfc5424",
      framing: "octet-counting",
      payload: "json",
      facility: 1,
      severity: 6,
      oversize: "truncate",
      utf8Bom: true,
      leef: { version: "2.0", delimiter: "^" },
    });
    expect(
      syslogDestinationConfig.parse({ host: "h", protocol: "tls", tls: {} }).tls?.rejectUnauthorized,
    ).toBe(true);
  });

  it("takes facility and severity names", () => {
    expect(
      syslogDestinationConfig.parse({ host: "h", facility: "local4", severity: "Warning" }),
    ).toMatchObject({
      facility: 20,
      severity: 4,
    });
    expect(problems(syslogDestinationConfig, { host: "h", facility: "nope" })).toHaveLength(1);
  });

  it.each([
    [{ host: "h", protocol: "tls", framing: "lf" }, "framing: tls uses octet-counting (RFC 5425)"],
    [{ host: "h", tls: { ca: "ca.pem" } }, "tls: tls options need protocol: tls"],
    [{ host: "h", protocol: "udp", maxMessageSize: "64KiB" }, "maxMessageSize: udp carries at most 65507"],
    [{ host: "h", maxMessageSize: 100 }, "maxMessageSize: at least 480 octets (RFC 5424)"],
    [{ host: "h", protocol: "tls", tls: { cert: "c.pem" } }, "tls: set cert and key together"],
    [
      { host: "h", leef: { delimiter: "a" } },
      "leef.delimiter: one character (or xHH), not a letter, digit, |, =, space or newline",
    ],
    [{ host: "h", port: 70000 }, "port: Too big: expected number to be <=65535"],
  ])("refuses %j", (options, problem) => {
    expect(problems(syslogDestinationConfig, options)).toEqual([problem]);
  });

  it("reads a LEEF delimiter given as xHH", () => {
    expect(syslogDestinationConfig.parse({ host: "h", leef: { delimiter: "x09" } }).leef.delimiter).toBe(
      "\t",
    );
  });

  it("marks the client key secret, so core redacts it", () => {
    const config = syslogDestinationConfig.parse({
      host: "h",
      protocol: "tls",
      tls: { cert: "c.pem", key: "PRIVATE" },
    });
    expect([...collectSecretValues(syslogDestinationConfig, config)]).toEqual(["PRIVATE"]);
  });
});

describe("source options", () => {
  it("needs tls.cert and tls.key exactly when it has a tls:// listener", () => {
    expect(problems(syslogSourceConfig, { listen: ["tls://0.0.0.0:6514"] })).toEqual([
      "tls: a tls:// listener needs tls.cert and tls.key",
    ]);
    expect(
      problems(syslogSourceConfig, { listen: ["tcp://0.0.0.0:514"], tls: { cert: "c", key: "k" } }),
    ).toEqual(["tls: tls options need a tls:// listener"]);
    expect(
      problems(syslogSourceConfig, {
        listen: ["tls://[::]:6514"],
        tls: { cert: "c", key: "k", requestCert: true },
      }),
    ).toEqual(["tls.ca: requestCert needs the CA that signs clients"]);
  });

  it("checks listen addresses", () => {
    expect(problems(syslogSourceConfig, { listen: ["http://x:1"] })).toEqual([
      "listen.0: expected udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT",
    ]);
    expect(problems(syslogSourceConfig, { listen: [] })).toHaveLength(1);
    expect(syslogSourceConfig.parse({ listen: ["udp://0.0.0.0:514", "tcp://[::1]:514"] })).toMatchObject({
      payload: "text",
      maxMessageSize: 65536,
      idleTimeout: 5000,
    });
  });

  it("marks the server key secret", () => {
    const config = syslogSourceConfig.parse({
      listen: ["tls://0.0.0.0:6514"],
      tls: { cert: "c", key: "KEY" },
    });
    expect([...collectSecretValues(syslogSourceConfig, config)]).toEqual(["KEY"]);
  });
});

describe("output schema (envelope)", () => {
  it("SD-IDs: name@enterprise-number, or a registered name", () => {
    expect(["a@32473", "x.y@1.2.3", "timeQuality", "origin", "meta"].map(isSdId)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(
      ["mine", "a@b", "@1", "a b@1", 'q"@1', "a]@1", "a=b@1", `${"n".repeat(30)}@123`].map(isSdId),
    ).toEqual(Array(8).fill(false));
  });

  it.each([
    [{ message: "x", structuredData: { mine: {} } }, /structuredData.mine: not an SD-ID/],
    [{ message: "x", structuredData: { "a@1": { "b c": "v" } } }, /structuredData.a@1.b c: not an SD-NAME/],
    [{ message: "x", facility: 24 }, /facility/],
    [{ message: "x", severity: "loud" }, /severity/],
    [{ message: "x", timestamp: "yesterday" }, /timestamp: not a time/],
    [{}, /message: message is required/],
    [{ message: "x", extra: 1 }, /Unrecognized key/],
  ])("refuses %j", (value, why) => {
    expect(readEnvelope(value)).toMatch(why);
  });

  it("normalises names to codes and numbers in header fields to text", () => {
    expect(readEnvelope({ message: 1, facility: "LOCAL7", severity: "error", procId: 12 })).toMatchObject({
      facility: 23,
      severity: 3,
      procId: "12",
      message: 1,
    });
  });

  it("is the destination's output schema", () => {
    expect(syslogDestination.outputSchema).toBe(envelopeSchema);
  });
});

describe("plugin definitions", () => {
  it("exports a syslog source and a syslog destination", () => {
    expect(plugins.map((p) => `${p.kind}:${p.name}`)).toEqual(["source:syslog", "destination:syslog"]);
    expect(syslogSource.kind).toBe("source");
  });

  it("the default mapping is mappings/generic/syslog-json.jsonata", () => {
    const file = fileURLToPath(new URL("../../../mappings/generic/syslog-json.jsonata", import.meta.url));
    expect(syslogDestination.defaultMapping).toBe(DEFAULT_MAPPING);
    expect(DEFAULT_MAPPING).toBe(fs.readFileSync(file, "utf8"));
  });
});
