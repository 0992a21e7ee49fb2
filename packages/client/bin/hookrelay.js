#!/usr/bin/env node
// The hookrelay CLI. Installed, it runs the built dist/cli.js; in this repository (where the
// source is, and tsx is installed) it runs the source, so it never lags behind an edit.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import("../dist/cli.js"));
}
process.exitCode = await main(process.argv.slice(2));
