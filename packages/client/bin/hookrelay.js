#!/usr/bin/env node
// The hookrelay CLI. The package ships TypeScript; tsx (a dependency) loads it.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
