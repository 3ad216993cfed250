/**
 * `@logshipper/plugin-syslog/testing`: the loopback peers of the `syslog` plugins, for this package's tests, the
 * end-to-end tests and the benchmark: TCP/TLS/UDP sinks, a private rsyslog, test certificates, a collector of a
 * source's batches, and records and plugins built as core builds them.
 */
export { streamSink, datagramSink, octetFrames, type StreamSink, type DatagramSink } from "./sinks.js";
export { Rsyslog, findRsyslogd, FIELDS_TEMPLATE } from "./rsyslog.js";
export { freePorts, waitForPort } from "./ports.js";
export { testCerts, type TestCerts } from "./certs.js";
export { collect, type Collector } from "./collect.js";
export { outputRecord, envelopes, destination, source, signal, HOSTILE } from "./records.js";
