/**
 * Runs `npm run simulate` as a child process and returns its last JSON object: the engine
 * makes `setTimeout` and `Date.now` virtual while it runs, which must never reach the test
 * runner's own timers.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function simulate(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run("npx", ["tsx", "sim/cli.ts", "--json", ...args], {
    cwd: new URL("../..", import.meta.url).pathname,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

/** The aims a run missed (none when it passed). */
export const missed = (r: Record<string, unknown>) =>
  Object.entries(r.aims as Record<string, { met: boolean }>).filter(([, a]) => !a.met);
