/**
 * The load run shared by test/reliability/load.slow.test.ts (reduced N, in `npm test`) and
 * scripts/soak.ts (`npm run soak`, 10,000 events): N events at fan-out 3 through the whole
 * local stack, published on the ingest queue as producers do, while the receivers answer
 * 500 to a seeded random share of requests.
 *
 * The accounting at the end, from the receiver's own log, the table and the DLQ:
 * - lost: (event, endpoint) pairs that neither got a 2xx nor are dead-lettered (must be 0);
 * - every request the receivers saw is one attempt in the log (status for status), and every
 *   500 is a failed attempt;
 * - every failed delivery is in the DLQ, every succeeded one got a 2xx;
 * - nothing is left on the queues.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { rng } from "../bench/rng.js";
import { createEndpoint } from "../core/endpoints/service.js";
import { mapLimit } from "../core/lib/pool.js";
import { bootstrapOrg } from "../core/orgs/bootstrap.js";
import { queueCounts, receiveAll } from "../local/queues.js";
import type { LocalStack } from "../local/stack.js";

export interface LoadOptions {
  events: number;
  /** Share of receiver responses that are 500 (0.1 = 10 %). */
  failRate: number;
  seed: number;
  /** How long to wait for the last delivery before giving up. */
  timeoutMs: number;
  progress?: (line: string) => void;
}

export interface LoadReport {
  events: number;
  endpoints: number;
  pairs: number;
  requests: number;
  responses500: number;
  succeeded: number;
  failed: number;
  deadLettered: number;
  attemptsLogged: number;
  failedAttemptsLogged: number;
  /** Pairs with more than one 2xx (allowed by at-least-once; expected 0 without crashes). */
  duplicateSuccesses: number;
  lost: string[];
  /** Problems with the accounting; empty when everything adds up. */
  mismatches: string[];
  publishMs: number;
  drainMs: number;
  deliveriesPerSecond: number;
}

interface Seen {
  requests: number;
  ok: number;
  failed: number;
  webhookIds: Set<string>;
}

/** A fast receiver: answers 500 to `failRate` of requests, records per (event, endpoint). */
async function startLoadReceiver(failRate: number, seed: number) {
  const random = rng(seed);
  const seen = new Map<string, Seen>();
  let requests = 0;
  let responses500 = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests++;
      const ep = (req.url ?? "").split("/").pop() ?? "";
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: string };
      const key = `${body.id}/${ep}`;
      const s = seen.get(key) ?? { requests: 0, ok: 0, failed: 0, webhookIds: new Set<string>() };
      s.requests++;
      s.webhookIds.add(String(req.headers["webhook-id"]));
      const fail = random() < failRate;
      if (fail) {
        s.failed++;
        responses500++;
      } else s.ok++;
      seen.set(key, s);
      res.writeHead(fail ? 500 : 204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    seen,
    counts: () => ({ requests, responses500 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function scan(stack: LocalStack, prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await stack.deps.db.doc.send(
      new ScanCommand({
        TableName: stack.deps.db.table,
        FilterExpression: "begins_with(pk, :p)",
        ExpressionAttributeValues: { ":p": prefix },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function runLoad(stack: LocalStack, opts: LoadOptions): Promise<LoadReport> {
  const log = opts.progress ?? (() => {});
  const receiver = await startLoadReceiver(opts.failRate, opts.seed);
  const org = `org_load${opts.seed.toString(36)}${Date.now().toString(36)}`;
  try {
    await bootstrapOrg(stack.deps, { orgId: org, name: "load" });
    // Three endpoints, three retry budgets: failures end as retries (5), a short retry run
    // (2) or straight in the DLQ (0).
    const endpoints = [];
    for (const max_retries of [5, 2, 0]) {
      const { endpoint } = await createEndpoint(stack.deps, org, {
        url: `${receiver.url}/${max_retries}`,
        max_retries,
        timeout_ms: 5000,
      });
      endpoints.push(endpoint);
    }

    // Publish on the ingest queue, 10 per SendMessageBatch, a few calls at a time.
    const t0 = Date.now();
    const batches: number[][] = [];
    for (let i = 0; i < opts.events; i += 10)
      batches.push(Array.from({ length: Math.min(10, opts.events - i) }, (_, j) => i + j));
    await mapLimit(batches, 4, (batch) =>
      stack.deps.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: stack.config.queues.ingest,
          Entries: batch.map((n) => ({
            Id: String(n),
            MessageBody: JSON.stringify({
              org_id: org,
              type: "voice.call.ended",
              id: `load-${n}`,
              data: { n, call_id: `call_${n}` },
            }),
          })),
        }),
      ),
    );
    const publishMs = Date.now() - t0;
    log(`published ${opts.events} events in ${publishMs} ms`);

    // Done when every pair has a 2xx or a DLQ message, and the queues are empty.
    const pairs = opts.events * endpoints.length;
    const letters = new Map<string, number>();
    const deadline = Date.now() + opts.timeoutMs;
    let lastLog = 0;
    for (;;) {
      for (const m of await receiveAll(stack.deps.sqs, stack.config.queues.deliveryDlq)) {
        const t = JSON.parse(m.Body ?? "{}") as { msg_id: string; endpoint_id: string };
        const key = `${t.msg_id}/${t.endpoint_id}`;
        letters.set(key, (letters.get(key) ?? 0) + 1);
      }
      let ok = 0;
      for (const s of receiver.seen.values()) if (s.ok > 0) ok++;
      const settled = ok + letters.size;
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        const c = receiver.counts();
        log(
          `${settled}/${pairs} settled: ${ok} delivered, ${letters.size} dead-lettered, ${c.requests} requests (${c.responses500} × 500)`,
        );
      }
      if (settled >= pairs) {
        const queues = await Promise.all(
          [stack.config.queues.ingest, stack.config.queues.delivery].map((u) =>
            queueCounts(stack.deps.sqs, u),
          ),
        );
        if (queues.every((q) => q.visible + q.inFlight + q.delayed === 0)) break;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const drainMs = Date.now() - t0;
    // The handlers write their records right after the requests: let the last batch land.
    await new Promise((r) => setTimeout(r, 1500));

    // ---- accounting
    const mismatches: string[] = [];
    // The delivery log (core/store/deliveries.ts): a delivery's state is its latest item, and
    // the items that carry `attempt` are the attempt log.
    const logItems = (await scan(stack, `LOG#${org}#`)).sort((a, b) =>
      String(a.sk) < String(b.sk) ? -1 : 1,
    );
    const latest = new Map<string, Record<string, unknown>>();
    for (const item of logItems) latest.set(`${item.msg_id}/${item.endpoint_id}`, item);
    const deliveries = [...latest.values()];
    const attempts = logItems.flatMap((i) => {
      const attempt = i.attempt as { success?: unknown } | undefined;
      return attempt ? [{ success: attempt.success, msg_id: i.msg_id, endpoint_id: i.endpoint_id }] : [];
    });
    const messages = await scan(stack, `MSG#${org}#`);
    if (messages.length !== opts.events)
      mismatches.push(`${messages.length} events stored, ${opts.events} published`);
    const epPath = new Map(endpoints.map((e) => [e.id, String(e.max_retries)]));

    const byPair = new Map<string, { status: string; attempts: number }>();
    for (const d of deliveries)
      byPair.set(`${d.msg_id}/${d.endpoint_id}`, { status: String(d.status), attempts: Number(d.attempts) });
    const attemptsByPair = new Map<string, { ok: number; failed: number }>();
    for (const a of attempts) {
      const key = `${a.msg_id}/${a.endpoint_id}`;
      const c = attemptsByPair.get(key) ?? { ok: 0, failed: 0 };
      if (a.success) c.ok++;
      else c.failed++;
      attemptsByPair.set(key, c);
    }

    const lost: string[] = [];
    let succeeded = 0;
    let failed = 0;
    let duplicateSuccesses = 0;
    for (const m of messages) {
      const msgId = String(m.id);
      for (const ep of endpoints) {
        const key = `${msgId}/${ep.id}`;
        const seen = receiver.seen.get(`${msgId}/${epPath.get(ep.id)}`);
        const record = byPair.get(key);
        const logged = attemptsByPair.get(key) ?? { ok: 0, failed: 0 };
        const dead = letters.get(key) ?? 0;
        if (!(seen && seen.ok > 0) && dead === 0) lost.push(key);
        if (seen && seen.ok > 1) duplicateSuccesses++;
        if (seen && (seen.webhookIds.size !== 1 || !seen.webhookIds.has(msgId))) {
          mismatches.push(`${key}: webhook-id ${[...seen.webhookIds].join(",")}`);
        }
        if (record?.status === "succeeded") succeeded++;
        else if (record?.status === "failed") failed++;
        else mismatches.push(`${key}: delivery record ${record?.status ?? "missing"}`);
        if ((seen?.ok ?? 0) !== logged.ok || (seen?.failed ?? 0) !== logged.failed) {
          mismatches.push(
            `${key}: receiver saw ${seen?.ok ?? 0} ok/${seen?.failed ?? 0} failed, log has ${logged.ok}/${logged.failed}`,
          );
        }
        if (record?.status === "failed" && dead === 0) mismatches.push(`${key}: failed but not in the DLQ`);
        if (record?.status === "succeeded" && dead > 0)
          mismatches.push(`${key}: succeeded and dead-lettered`);
        if (record && record.attempts !== logged.ok + logged.failed) {
          mismatches.push(
            `${key}: record says ${record.attempts} attempts, log has ${logged.ok + logged.failed}`,
          );
        }
      }
    }
    const c = receiver.counts();
    const failedAttemptsLogged = attempts.filter((a) => !a.success).length;
    if (attempts.length !== c.requests)
      mismatches.push(`${attempts.length} attempts logged, ${c.requests} requests received`);
    if (failedAttemptsLogged !== c.responses500) {
      mismatches.push(`${failedAttemptsLogged} failed attempts logged, ${c.responses500} responses were 500`);
    }
    return {
      events: opts.events,
      endpoints: endpoints.length,
      pairs,
      requests: c.requests,
      responses500: c.responses500,
      succeeded,
      failed,
      deadLettered: letters.size,
      attemptsLogged: attempts.length,
      failedAttemptsLogged,
      duplicateSuccesses,
      lost,
      mismatches,
      publishMs,
      drainMs,
      deliveriesPerSecond: Math.round((pairs / drainMs) * 1000),
    };
  } finally {
    await receiver.close();
  }
}
