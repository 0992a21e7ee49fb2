/** What every CLI command is: a usage line, its own flags, and a run function. */
import { closeSync, openSync, readSync } from "node:fs";
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
  /** More lines `--help` prints after the usage line (each flag's meaning and bounds). */
  help?: readonly string[];
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
  return v === undefined ? undefined : jsonObject(name, v);
}

/** `text` as a JSON object, or a usage error saying why not (`source`: the file it came from). */
function jsonObject(name: string, text: string, source?: string): Record<string, unknown> {
  let why: string;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
    why = `got ${Array.isArray(parsed) ? "an array" : JSON.stringify(parsed)}`;
  } catch (err) {
    why = (err as Error).message;
  }
  throw new UsageError(`--${name} must be a JSON object${source ? ` (${source})` : ""}: ${why}`);
}

/**
 * The most a flag's `@file` is read: far above any body field's own bound (a filter is at most
 * 8 KB of JSON, which the API checks), and so a wrong path (a log, /dev/zero) is refused before
 * it fills the memory.
 */
export const MAX_FLAG_FILE_BYTES = 1024 * 1024;

/** A JSON object flag given as text or as `@file` (a JSON text never starts with `@`). */
export function jsonFileFlag(ctx: Context, name: string): Record<string, unknown> | undefined {
  const v = flag(ctx, name);
  if (v === undefined) return undefined;
  if (!v.startsWith("@")) return jsonObject(name, v);
  const path = v.slice(1);
  const buf = Buffer.alloc(MAX_FLAG_FILE_BYTES + 1);
  let length = 0;
  try {
    const fd = openSync(path, "r");
    try {
      let n: number;
      do {
        n = readSync(fd, buf, length, buf.length - length, null);
        length += n;
      } while (n > 0 && length < buf.length);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`--${name}: cannot read ${path} (${why})`);
  }
  if (length > MAX_FLAG_FILE_BYTES)
    throw new UsageError(`--${name}: ${path} is over ${MAX_FLAG_FILE_BYTES} bytes`);
  return jsonObject(name, buf.toString("utf8", 0, length), path);
}

/** The flags of every list command, and the query they make. */
export const pageOptions = { limit: { type: "string" }, cursor: { type: "string" } } as const;

export function pageQuery(ctx: Context): { limit?: number; cursor?: string } {
  return { limit: intFlag(ctx, "limit"), cursor: flag(ctx, "cursor") };
}
