/**
 * The benchmark's webhook receiver, run in its own process (forked by bench/receiver.ts) so
 * that verifying signatures does not share an event loop with the handlers being measured.
 *
 * - `/hook/{key}`: verifies the Standard Webhooks signature with the `standardwebhooks`
 *   library against the secret registered for `{key}` and records the arrival per
 *   (webhook-id, key). Keys registered with `failFirst` answer 500 to the first attempt of
 *   every 4th event (`data.seq` a multiple of 4): interleaved with successes, as a flaky
 *   receiver's failures are, so the run measures retries rather than the circuit breaker
 *   (ten failures in a row open it and park the endpoint: docs/delivery.md).
 * - `/raw`: answers 204 at once and records the arrival (the floor runs).
 * - `/fast`: answers 204 at once and records nothing (the CPU micro-benchmark).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import type { Arrival, ReceiverCommand, ReceiverMode, ReceiverReply } from "./receiver.js";

interface Route {
  verifier: Webhook;
  failFirst: boolean;
  mode: ReceiverMode;
}

const routes = new Map<string, Route>();
let arrivals: Arrival[] = [];
/** (webhook-id|key) pairs already failed once, for failFirst routes. */
const failedOnce = new Set<string>();
let invalid = 0;
let count = 0;
/** Distinct (webhook-id|key) pairs answered 2xx: completion is checked against this. */
let okPairs = new Set<string>();

function dataField(body: string): { seq: number; sentAt: number } {
  try {
    const parsed = JSON.parse(body) as { data?: { seq?: number; sent_at?: number } };
    return { seq: parsed.data?.seq ?? -1, sentAt: parsed.data?.sent_at ?? 0 };
  } catch {
    return { seq: -1, sentAt: 0 };
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const at = Date.now();
    const url = req.url ?? "/";
    if (url === "/fast") {
      res.writeHead(204).end();
      return;
    }
    const body = Buffer.concat(chunks).toString("utf8");
    if (url === "/raw") {
      const { seq, sentAt } = dataField(body);
      arrivals.push({ id: String(seq), key: "raw", at, seq, sentAt, status: 204 });
      okPairs.add(String(seq));
      count++;
      res.writeHead(204).end();
      return;
    }
    const key = url.startsWith("/hook/") ? url.slice("/hook/".length) : "";
    const route = routes.get(key);
    const id = String(req.headers["webhook-id"] ?? "");
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    if (route.mode !== "ok") {
      // A bad endpoint of the noisy-neighbour run: counted, not verified.
      count++;
      arrivals.push({ id, key, at, seq: -1, sentAt: 0, status: route.mode === "503" ? 503 : 0 });
      if (route.mode === "503") res.writeHead(503).end();
      else if (route.mode === "slow") setTimeout(() => res.writeHead(204).end(), 8000);
      else if (route.mode === "under-budget") setTimeout(() => res.writeHead(204).end(), 1900);
      return; // hang: never answers; the sender's timeout ends it
    }
    try {
      route.verifier.verify(body, {
        "webhook-id": id,
        "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
        "webhook-signature": String(req.headers["webhook-signature"] ?? ""),
      });
    } catch {
      invalid++;
      res.writeHead(400).end();
      return;
    }
    const { seq, sentAt } = dataField(body);
    const pair = `${id}|${key}`;
    const status = route.failFirst && seq % 4 === 0 && !failedOnce.has(pair) ? 500 : 204;
    if (status === 500) failedOnce.add(pair);
    else okPairs.add(pair);
    arrivals.push({ id, key, at, seq, sentAt, status });
    count++;
    res.writeHead(status).end();
  });
});
server.keepAliveTimeout = 60_000;

process.on("message", (raw: unknown) => {
  const cmd = raw as ReceiverCommand;
  let reply: ReceiverReply;
  switch (cmd.op) {
    case "route":
      routes.set(cmd.key, {
        verifier: new Webhook(cmd.secret),
        failFirst: cmd.failFirst,
        mode: cmd.mode ?? "ok",
      });
      reply = { n: cmd.n };
      break;
    case "count":
      reply = { n: cmd.n, count, ok: okPairs.size, invalid };
      break;
    case "take":
      reply = { n: cmd.n, arrivals, invalid };
      arrivals = [];
      count = 0;
      invalid = 0;
      okPairs = new Set();
      break;
  }
  process.send?.(reply);
});
process.on("disconnect", () => process.exit(0));

server.listen(0, "127.0.0.1", () => {
  process.send?.({ n: 0, port: (server.address() as AddressInfo).port });
});
