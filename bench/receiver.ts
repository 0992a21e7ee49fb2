/**
 * Client side of the benchmark receiver (bench/receiver-child.ts): forks it, registers
 * endpoint secrets, polls the arrival count for the progress line and collects arrivals.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface Arrival {
  /** webhook-id (or the sequence number on the floor's `/raw` path). */
  id: string;
  /** Endpoint key (`/hook/{key}`), or `raw`. */
  key: string;
  /** Arrival time, ms since epoch. */
  at: number;
  /** `data.seq` and `data.sent_at` of the published event. */
  seq: number;
  sentAt: number;
  /** What the receiver answered. */
  status: number;
}

/**
 * How a route answers: `ok` (2xx, after failFirst), or as a bad endpoint of the noisy-neighbour
 * run: `hang` (never answers), `503` (at once), `slow` (204 after 8 s), `under-budget` (204 after
 * 1.9 s, just under the 2 s fast-lane budget: bench/burst.ts).
 */
export type ReceiverMode = "ok" | "hang" | "503" | "slow" | "under-budget";

export type ReceiverCommand =
  | { n: number; op: "route"; key: string; secret: string; failFirst: boolean; mode?: ReceiverMode }
  | { n: number; op: "count" }
  | { n: number; op: "take" };

export type ReceiverReply = {
  n: number;
  port?: number;
  count?: number;
  ok?: number;
  invalid?: number;
  arrivals?: Arrival[];
};

export interface BenchReceiver {
  url: string;
  pid: number;
  /** Registers `/hook/{key}`: signatures are verified with `secret`. */
  route(key: string, secret: string, failFirst?: boolean, mode?: ReceiverMode): Promise<void>;
  /** Requests recorded since the last take, distinct pairs answered 2xx, failed verifications. */
  count(): Promise<{ count: number; ok: number; invalid: number }>;
  /** Returns and clears the recorded arrivals. */
  take(): Promise<{ arrivals: Arrival[]; invalid: number }>;
  stop(): Promise<void>;
}

export async function startBenchReceiver(): Promise<BenchReceiver> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./receiver-child.ts", import.meta.url)), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, (r: ReceiverReply) => void>();
  let next = 1;
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`receiver exited with ${code}`)));
    child.on("message", (raw: unknown) => {
      const reply = raw as ReceiverReply;
      if (reply.n === 0 && reply.port) return resolve(reply.port);
      pending.get(reply.n)?.(reply);
      pending.delete(reply.n);
    });
  });
  child.removeAllListeners("exit");
  const call = (cmd: Omit<ReceiverCommand, "n"> & Record<string, unknown>) =>
    new Promise<ReceiverReply>((resolve) => {
      const n = next++;
      pending.set(n, resolve);
      child.send({ ...cmd, n });
    });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async route(key, secret, failFirst = false, mode = "ok") {
      await call({ op: "route", key, secret, failFirst, mode });
    },
    async count() {
      const r = await call({ op: "count" });
      return { count: r.count ?? 0, ok: r.ok ?? 0, invalid: r.invalid ?? 0 };
    },
    async take() {
      const r = await call({ op: "take" });
      return { arrivals: r.arrivals ?? [], invalid: r.invalid ?? 0 };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.disconnect();
      }),
  };
}
