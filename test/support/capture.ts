/** Output capture: what the service logs, to scan it for secrets and content. */
import { afterAll, beforeAll } from "vitest";
import { logger } from "../../core/log/index.js";

export interface Capture {
  text(): string;
  stop(): void;
}

/**
 * Records everything written to stdout/stderr and through `console` (the Powertools logger
 * writes to the process streams) until `stop()`; `echo: false` keeps it off the terminal.
 */
export function captureOutput({ echo = true } = {}): Capture {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
  };
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    record(chunk);
    return echo ? (out as (...a: unknown[]) => boolean)(chunk, ...rest) : true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    record(chunk);
    return echo ? (err as (...a: unknown[]) => boolean)(chunk, ...rest) : true;
  }) as typeof process.stderr.write;
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) {
    const original = console[m];
    console[m] = (...args: unknown[]) => {
      chunks.push(args.map((a) => (typeof a === "string" ? a : safeJson(a))).join(" "));
      if (echo) original(...args);
    };
  }
  return {
    text: () => chunks.join("\n"),
    stop: () => {
      process.stdout.write = out as typeof process.stdout.write;
      process.stderr.write = err as typeof process.stderr.write;
      methods.forEach((m, i) => {
        console[m] = saved[i]!;
      });
    },
  };
}

/**
 * The whole file's log at DEBUG, captured off the terminal (beforeAll to afterAll, the level put
 * back to WARN after): for tests that read the ids on the service's log lines.
 */
export function useLogCapture(): Pick<Capture, "text"> {
  let capture: Capture | undefined;
  beforeAll(() => {
    logger.setLogLevel("DEBUG");
    capture = captureOutput({ echo: false });
  });
  afterAll(() => {
    capture?.stop();
    logger.setLogLevel("WARN");
  });
  return { text: () => capture?.text() ?? "" };
}

/** The JSON log lines captured so far that carry `msg_id`. */
export function logLinesOf(capture: Pick<Capture, "text">, msgId: string): Record<string, unknown>[] {
  return capture
    .text()
    .split("\n")
    .filter((l) => l.startsWith("{") && l.includes(msgId))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg_id === msgId);
}

function safeJson(v: unknown): string {
  try {
    if (v instanceof Error) return `${v.name}: ${v.message}\n${v.stack ?? ""}`;
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
