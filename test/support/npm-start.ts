/**
 * `local/start.ts` (what `npm start` runs) as a child process: waits for the URL and key it
 * prints, and stops it with Ctrl-C (SIGINT) as a user would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { waitFor } from "./wait.js";

export interface StartedService {
  url: string;
  key: string;
  output(): string;
  /** SIGINT, then the exit code. */
  stop(): Promise<number | null>;
  /** For afterAll: SIGINT (so DynamoDB Local's java child is stopped too), SIGKILL if it hangs. */
  close(): Promise<void>;
}

/** Process groups still running: killed when the test worker exits, whatever happened. */
const running = new Set<number>();
process.once("exit", () => {
  for (const pid of running) killGroup(pid);
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export async function startService(env: Record<string, string>): Promise<StartedService> {
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "local/start.ts"], {
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: killGroup() takes DynamoDB Local's java child down with it.
    detached: true,
  });
  const pid = child.pid!;
  running.add(pid);
  child.stdout!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((r) =>
    child.once("exit", (code) => {
      running.delete(pid);
      r(code);
    }),
  );
  try {
    const { url, key } = await waitFor(
      () => {
        const url = /API\s+(http:\/\/\S+)\/v1/.exec(output)?.[1];
        const key = /API key\s+(sk_test_\S+)/.exec(output)?.[1];
        return url && key ? { url, key } : undefined;
      },
      { timeoutMs: 120_000, what: `npm start to print its URL and key (output so far: ${output})` },
    );
    return {
      url,
      key,
      output: () => output,
      stop: async () => {
        child.kill("SIGINT");
        return exited;
      },
      close: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const timer = setTimeout(() => killGroup(pid), 20_000);
        child.kill("SIGINT");
        await exited;
        clearTimeout(timer);
      },
    };
  } catch (err) {
    killGroup(pid);
    throw err;
  }
}
