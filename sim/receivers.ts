/**
 * The receivers: every endpoint's URL names one (`http://<name>.sim/…`), whose behaviour at a
 * virtual time gives a latency and an answer. Outbound requests reach them through node:http,
 * the module the production sender (core/delivery/send.ts) uses: while a run lasts,
 * `http.request` returns a stand-in request that answers after the receiver's latency on the
 * virtual clock, or never (a hang: the sender's own deadline aborts it).
 *
 * Behaviours (issue #25): healthy (log-normal latency, median 80 ms, p99 ~400 ms), 5xx, hang
 * until the timeout, slow (8 s), just under the fast-lane budget (1.9 s), flapping (50 % 500),
 * 410 Gone, 429 with Retry-After; and `local`, the benchmark's receiver on 127.0.0.1, which
 * answers at once (the calibration against the local stack: sim/calibration/).
 */
import { EventEmitter } from "node:events";
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { type BatchTail, tailKey } from "./aws/batch-tail.js";
import type { Meter } from "./aws/meter.js";
import type { Engine } from "./engine.js";

export type Behaviour =
  | "healthy"
  | "local"
  | "5xx"
  | "hang"
  | "slow"
  | "under-budget"
  | "flapping"
  | "gone"
  | "429";

interface Answer {
  latencyMs: number;
  status: number;
  headers?: Record<string, string>;
}

export function answer(b: Behaviour, random: () => number): Answer {
  // Log-normal: exp(N(ln 80, 0.7)) — a median of 80 ms and a p99 near 400 ms.
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const healthy = 80 * Math.exp(0.7 * normal);
  switch (b) {
    case "healthy":
      return { latencyMs: healthy, status: 200 };
    case "local":
      return { latencyMs: 1, status: 200 };
    case "5xx":
      return { latencyMs: 30 + random() * 40, status: 500 };
    case "hang":
      return { latencyMs: Number.POSITIVE_INFINITY, status: 0 };
    case "slow":
      return { latencyMs: 8_000 + random() * 200, status: 200 };
    case "under-budget":
      return { latencyMs: 1_900, status: 200 };
    case "flapping":
      return { latencyMs: healthy, status: random() < 0.5 ? 500 : 200 };
    case "gone":
      return { latencyMs: 30, status: 410 };
    case "429":
      return { latencyMs: 30, status: 429, headers: { "retry-after": "60" } };
  }
}

export interface Receipt {
  /** When the event was published (virtual ms), carried in its data. */
  publishedAt: number;
  org: string;
  endpoint: string;
  msgId: string;
  status: number;
  /** An ordered endpoint's key value, carried in the event's data (sim/tenants.ts). */
  key?: string;
  /**
   * An answer of a record standing for k real ones: its real batch-mates' answers, drawn by the
   * batch tail (sim/aws/batch-tail.ts), in ms after this one's (negative: before). A cohort's
   * members are identical messages sent together, so these are the spread of their delays.
   */
  matesMs?: number[];
}

/** The receivers of a run: behaviours by name, and what each request saw. */
export class Receivers {
  private behaviours = new Map<string, (t: number, r?: Receipt) => Behaviour>();
  /** Each request as it arrives (status 0), and each answer the sender saw (its status). */
  onRequest?: (r: Receipt, t: number) => void;

  constructor(
    private engine: Engine,
    private meter: Meter,
    /** A cohort's request also draws its real batch-mates' answers (sim/aws/batch-tail.ts). */
    readonly tail?: BatchTail,
  ) {}

  /** A receiver's behaviour, a function of the time and of the request (its event). */
  set(name: string, behaviour: Behaviour | ((t: number, r?: Receipt) => Behaviour)): void {
    this.behaviours.set(name, typeof behaviour === "string" ? () => behaviour : behaviour);
  }

  /** Makes `http.request`/`https.request` reach the receivers until the returned undo runs. */
  install(): () => void {
    const saved = { http: http.request, https: https.request };
    const fake = ((url: URL, opts: { headers: Record<string, string>; signal?: AbortSignal }) =>
      this.request(url, opts)) as unknown as typeof http.request;
    http.request = fake;
    https.request = fake;
    return () => {
      http.request = saved.http;
      https.request = saved.https;
    };
  }

  private request(url: URL, opts: { headers: Record<string, string>; signal?: AbortSignal }) {
    const req = Object.assign(new EventEmitter(), { reusedSocket: false }) as EventEmitter & {
      reusedSocket: boolean;
      end: (body: Buffer) => void;
    };
    req.end = (body: Buffer) => {
      const name = url.hostname.replace(/\.sim$/, "");
      const receipt = this.receipt(url, body, opts.headers);
      const behaviour = this.behaviours.get(name)?.(this.engine.t, receipt) ?? "healthy";
      const a = answer(behaviour, this.engine.random);
      if (receipt) this.onRequest?.(receipt, this.engine.t);
      const mates = receipt
        ? this.tail?.requested(
            tailKey(receipt.msgId, receipt.endpoint),
            this.engine.t,
            a.latencyMs,
            (random) => answer(behaviour, random).latencyMs,
          )
        : undefined;
      const timer = Number.isFinite(a.latencyMs)
        ? this.engine.after(a.latencyMs, () => {
            opts.signal?.removeEventListener("abort", onAbort);
            const matesMs = mates?.length ? { matesMs: mates.map((ms) => ms - a.latencyMs) } : {};
            if (receipt) this.onRequest?.({ ...receipt, status: a.status, ...matesMs }, this.engine.t);
            const res = Object.assign(Readable.from([Buffer.from("ok")]), {
              statusCode: a.status,
              headers: a.headers ?? {},
            });
            req.emit("response", res);
          })
        : undefined;
      const onAbort = () => {
        if (timer) (timer as { cancelled?: boolean }).cancelled = true;
        req.emit(
          "error",
          Object.assign(new Error("The operation was aborted"), { name: "AbortError", code: "ABORT_ERR" }),
        );
      };
      opts.signal?.addEventListener("abort", onAbort, { once: true });
    };
    return req;
  }

  private receipt(url: URL, body: Buffer, headers: Record<string, string>): Receipt | undefined {
    const event = JSON.parse(body.toString("utf8")) as {
      data?: { sim?: { t: number; org: string; key?: string } };
    };
    const sim = event.data?.sim;
    if (!sim) return undefined;
    this.meter.count("receiver_requests", this.meter.weights.ofOrg(sim.org));
    const endpoint = url.pathname.slice(1);
    const msgId = headers["webhook-id"] ?? "";
    return { publishedAt: sim.t, org: sim.org, endpoint, msgId, status: 0, key: sim.key };
  }
}
