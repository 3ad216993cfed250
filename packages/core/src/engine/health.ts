/**
 * What `/healthz` answers: 200 while every destination is healthy, 503 while one is paused (a configuration-level
 * failure) or failing (its last attempt failed and is being retried), with a JSON body naming each destination,
 * its state and its last error code.
 */
import type http from "node:http";
import type { AddressInfo } from "node:net";
import type { Redactor } from "../log.js";
import type { EngineMetrics } from "../metrics.js";
import type { Logger } from "../sdk/types.js";
import type { DestinationRuntime } from "./destination-runtime.js";

export interface DestinationHealth {
  name: string;
  state: "ok" | "paused" | "failing";
  code?: string;
  error?: string;
  /** ISO time the failures began. */
  since?: string;
}

export interface HealthReport {
  status: "ok" | "unhealthy";
  destinations: DestinationHealth[];
}

export function destinationHealth(dest: DestinationRuntime, redactor: Redactor): DestinationHealth {
  const failure = dest.lastFailure;
  if (!failure && dest.pausedReason === undefined) return { name: dest.name, state: "ok" };
  const health: DestinationHealth = {
    name: dest.name,
    state: dest.pausedReason !== undefined ? "paused" : "failing",
  };
  if (failure) {
    health.code = failure.code;
    // An error text may echo what the remote side was sent: it goes out redacted, as in the logs.
    health.error = redactor.redact(failure.message);
    health.since = new Date(failure.since).toISOString();
  }
  return health;
}

export function healthReport(destinations: Iterable<DestinationRuntime>, redactor: Redactor): HealthReport {
  const list = [...destinations].map((d) => destinationHealth(d, redactor));
  return { status: list.every((d) => d.state === "ok") ? "ok" : "unhealthy", destinations: list };
}

/**
 * Serve `/metrics` and `/healthz` for a run's destinations (filled in once the pipeline is wired) and log where
 * (port 0 takes a free port: the log line names it).
 */
export async function serveMetrics(
  metrics: EngineMetrics,
  port: number,
  destinations: Map<string, DestinationRuntime>,
  engine: { logger: Logger; redactor: Redactor },
): Promise<http.Server> {
  const server = await metrics.serve(port, "127.0.0.1", () =>
    healthReport(destinations.values(), engine.redactor),
  );
  const address = server.address() as AddressInfo;
  const base = `http://${address.address}:${address.port}`;
  engine.logger.info({ metrics: `${base}/metrics`, healthz: `${base}/healthz` }, "metrics served");
  return server;
}
