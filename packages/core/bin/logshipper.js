#!/usr/bin/env node
// Committed entry point, so that `npm ci` links the `logshipper` command before the first build exists.
await import("../dist/cli/main.js");
