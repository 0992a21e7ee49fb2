/**
 * `hookrelay`: the service from a terminal or a script.
 *
 *   hookrelay <group> <command> [args] [--json] [--service-url URL] [--api-key KEY]
 *
 * Exit codes scripts can rely on: 0 done; 1 the service refused (a 4xx: its error code is
 * printed); 2 usage (unknown command or flag, missing argument); 3 the service could not be
 * used (no URL or key, unreachable, a 5xx).
 */
import { parseArgs } from "node:util";
import { ApiError, ConfigError, createClient } from "../client.js";
import { apiKeysCommands } from "./api-keys.js";
import { attemptsCommands } from "./attempts.js";
import type { Command, Context } from "./command.js";
import { UsageError } from "./command.js";
import { dataCommands } from "./data.js";
import { dlqCommands } from "./dlq.js";
import { endpointActionCommands } from "./endpoint-actions.js";
import { endpointsCommands } from "./endpoints.js";
import { eventTypesCommands } from "./event-types.js";
import { eventsCommands } from "./events.js";
import { output } from "./output.js";
import { portalCommands } from "./portal.js";
import { recoveryCommands } from "./recovery.js";
import { tasksCommands } from "./tasks.js";

const commands: Record<string, Command> = {
  ...endpointsCommands,
  ...endpointActionCommands,
  ...eventsCommands,
  ...eventTypesCommands,
  ...attemptsCommands,
  ...recoveryCommands,
  ...tasksCommands,
  ...portalCommands,
  ...dlqCommands,
  ...apiKeysCommands,
  ...dataCommands,
};

const globalOptions = {
  "service-url": { type: "string" },
  "api-key": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  hookrelay ${name} ${c.usage}`.trimEnd());
  return [
    "usage: hookrelay <command> [--json] [--service-url URL] [--api-key KEY]",
    "",
    ...lines,
    "",
    "URL and key default to HOOKRELAY_URL and HOOKRELAY_API_KEY (npm start prints both).",
    "Exit codes: 0 done, 1 refused by the service, 2 usage, 3 service unusable (config, network, 5xx).",
  ].join("\n");
}

/** Longest command name that the positionals start with ("endpoints list", "resend", …). */
function findCommand(positionals: string[]): { name: string; args: string[] } | undefined {
  for (const n of [2, 1]) {
    const name = positionals.slice(0, n).join(" ");
    if (commands[name]) return { name, args: positionals.slice(n) };
  }
  return undefined;
}

export async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith("-"));
  const found = findCommand(words);
  if (!found) {
    const asked = argv.includes("--help") || argv.includes("-h") || argv.length === 0;
    (asked ? process.stdout : process.stderr).write(
      `${asked ? "" : `error: unknown command: ${words.slice(0, 2).join(" ") || "(none)"}\n`}${usage()}\n`,
    );
    return asked ? 0 : 2;
  }
  const command = commands[found.name]!;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...globalOptions, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    process.stderr.write(
      `error: ${(err as Error).message}\nusage: hookrelay ${found.name} ${command.usage}\n`,
    );
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) {
    const help = command.help ? `\n${command.help.join("\n")}\n` : "";
    process.stdout.write(`usage: hookrelay ${found.name} ${command.usage}\n${help}`);
    return 0;
  }
  const out = output(Boolean(values.json));
  const ctx: Context = {
    args: parsed.positionals.slice(found.name.split(" ").length),
    flags: values,
    out,
    client: () => createClient({ url: values["service-url"] as string, apiKey: values["api-key"] as string }),
  };
  try {
    await command.run(ctx);
    return 0;
  } catch (err) {
    return report(err, found.name, command.usage);
  }
}

function report(err: unknown, name: string, commandUsage: string): number {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\nusage: hookrelay ${name} ${commandUsage}\n`);
    return 2;
  }
  if (err instanceof ApiError) {
    process.stderr.write(`error: ${err.code} (HTTP ${err.status}): ${err.message}\n`);
    return err.status >= 500 ? 3 : 1;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`error: ${err.message}\n`);
    return 3;
  }
  if (err instanceof TypeError && err.message === "fetch failed") {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? "network error";
    process.stderr.write(`error: cannot reach the service (${why}); is it running? (npm start)\n`);
    return 3;
  }
  process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
  return 1;
}
