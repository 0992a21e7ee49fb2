/** What every CLI command is: a usage line, its own flags, and a run function. */
import type { HookrelayClient } from "../client.js";
import type { Output } from "./output.js";

export interface Context {
  /** Positionals after the command name. */
  args: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
  out: Output;
  /** Built on first use, so commands that need no API (dlq) need no key. */
  client(): HookrelayClient;
}

export interface Command {
  usage: string;
  options?: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;
  run(ctx: Context): Promise<void>;
}

/** Bad invocation: exit code 2, with the command's usage line. */
export class UsageError extends Error {}

export function arg(ctx: Context, index: number, name: string): string {
  const value = ctx.args[index];
  if (!value) throw new UsageError(`missing ${name}`);
  return value;
}

export function flag(ctx: Context, name: string): string | undefined {
  const v = ctx.flags[name];
  return typeof v === "string" ? v : undefined;
}

/** A flag whose value must be one of `values` (a usage error names them). */
export function choiceFlag<T extends string>(
  ctx: Context,
  name: string,
  values: readonly T[],
): T | undefined {
  const v = flag(ctx, name);
  if (v === undefined || values.includes(v as T)) return v as T | undefined;
  throw new UsageError(`--${name} must be ${values.slice(0, -1).join(", ")} or ${values.at(-1)}`);
}

export function intFlag(ctx: Context, name: string): number | undefined {
  const v = flag(ctx, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got ${v}`);
  return n;
}

/** A JSON object flag (`--data '{"a":1}'`). */
export function jsonFlag(ctx: Context, name: string): Record<string, unknown> | undefined {
  const v = flag(ctx, name);
  if (v === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(v);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UsageError(`--${name} must be a JSON object`);
}

/** The flags of every list command, and the query they make. */
export const pageOptions = { limit: { type: "string" }, cursor: { type: "string" } } as const;

export function pageQuery(ctx: Context): { limit?: number; cursor?: string } {
  return { limit: intFlag(ctx, "limit"), cursor: flag(ctx, "cursor") };
}
