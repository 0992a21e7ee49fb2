/**
 * `npm run simulate`'s options, in one place: the parser's configuration and the `--help` text
 * are both made from OPTIONS, so an option cannot be accepted without being described (or
 * described without being accepted). Pure: sim/cli.ts decides what to print and the exit code.
 */
import { parseArgs } from "node:util";

interface Option {
  type: "string" | "boolean";
  default?: string | boolean;
  multiple?: boolean;
  /** The value's name in the usage line (string options). */
  arg?: string;
  help: string;
}

export const OPTIONS = {
  scenario: {
    type: "string",
    arg: "NAME[,NAME…]",
    help: "run these scenarios (sim/scenarios.ts; default: every one but the counterfactuals)",
  },
  json: {
    type: "boolean",
    default: false,
    help: "one JSON object per scenario (or calibration side) on stdout",
  },
  seed: { type: "string", default: "1", arg: "N", help: "the seed; a seed gives the same figures" },
  k: { type: "string", default: "1", arg: "X", help: "multiply each scenario's cohort size k by X" },
  span: { type: "string", default: "1", arg: "X", help: "multiply each scenario's simulated span by X" },
  "write-docs": {
    type: "boolean",
    default: false,
    help: "replace the figures table (or, with --calibrate, the calibration table) in docs/scale.md",
  },
  from: {
    type: "string",
    multiple: true,
    arg: "FILE",
    help: "table the JSON lines of earlier --json runs instead of running (repeatable); a FILE.commit beside a FILE.json names the commit its rows ran on",
  },
  calibrate: {
    type: "boolean",
    default: false,
    help: "the calibration shapes on the real local stack and in the simulation, side by side",
  },
  shape: {
    type: "string",
    arg: "NAME[,NAME…]",
    help: "with --calibrate: only these shapes (bench/burst-shapes.ts)",
  },
  runs: {
    type: "string",
    default: "1",
    arg: "N",
    help: "with --calibrate: each shape N times per side (the simulation on seeds seed … seed + N - 1); the table compares the medians",
  },
  emulators: {
    type: "string",
    arg: "DYNAMODB_URL,SQS_URL",
    help: "with --calibrate: use these running emulators instead of starting a pair",
  },
  help: { type: "boolean", default: false, help: "print this and exit" },
} satisfies Record<string, Option>;

export function usage(): string {
  const lines = Object.entries(OPTIONS as Record<string, Option>).map(([name, o]) => {
    const flag = `--${name}${o.arg ? ` ${o.arg}` : ""}`;
    const dflt = o.type === "string" && o.default !== undefined ? ` (default ${o.default})` : "";
    return `  ${flag.padEnd(34)} ${o.help}${dflt}`;
  });
  return [
    "usage: npm run simulate -- [options]",
    "Runs each scenario with its fault and without it (the baseline) and prints a table;",
    "docs/scale.md explains the models, the cohorts and the figures.",
    "",
    ...lines,
  ].join("\n");
}

export type Parsed =
  | { kind: "run"; values: ReturnType<typeof parse>["values"] }
  | { kind: "help"; text: string }
  | { kind: "error"; text: string };

const parse = (args: string[]) =>
  parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });

/** What the command line asks for: a run, the usage, or an error naming the bad argument. */
export function parseCli(args: string[]): Parsed {
  try {
    const parsed = parse(args);
    if (parsed.values.help) return { kind: "help", text: usage() };
    return { kind: "run", values: parsed.values };
  } catch (e) {
    // node:util's parse errors (unknown option, missing value, positional) name the argument.
    const code = (e as { code?: string }).code ?? "";
    if (!code.startsWith("ERR_PARSE_ARGS")) throw e;
    return {
      kind: "error",
      text: `${(e as Error).message}\n\nnpm run simulate -- --help lists the options.`,
    };
  }
}
