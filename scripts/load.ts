/**
 * The load run shared by test/reliability/load.slow.test.ts (reduced N, in `npm test`) and
 * scripts/soak.ts (`npm run soak`, 10,000 events): N events at fan-out 3 through the whole
 * local stack, published on the ingest queue as producers do, while the receivers answer
 * 500 to a seeded random share of requests.
 *
 * It waits on a condition: every pair got a 2xx or is dead-lettered, every queue is empty and
 * every delivery's latest record is final; `timeoutMs` only bounds that wait (`settled` says
 * whether it was reached). Then the accounting (scripts/load-accounting.ts), from the receiver's
 * own log, the table and the DLQ:
 * - lost: (event, endpoint) pairs that neither got a 2xx nor are dead-lettered (must be 0);
 * - every answer the receivers gave is one attempt in the log, with that answer or one the
 *   sender gave up on (its deadline passed: the re-send is a duplicate, same webhook-id);
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
import { type AccountingInput, account, type LogItem, latestOf, type Seen } from "./load-accounting.js";

export interface LoadOptions {
  events: number;
  /** Share of receiver responses that are 500 (0.1 = 10 %). */
  failRate: number;
  seed: number;
  /** The bound on the wait for everything to settle (a bound, not an expectation). */
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
  /** Attempts the sender gave up on (no answer logged); the receiver may have answered them. */
  unansweredAttemptsLogged: number;
  /** Pairs with more than one 2xx (at-least-once: each from an attempt the sender gave up on). */
  duplicateSuccesses: number;
  /** Everything settled within `timeoutMs`; when false, the figures are of an unfinished run. */
  settled: boolean;
  lost: string[];
  /** Problems with the accounting; empty when everything adds up. */
  mismatches: string[];
  publishMs: number;
  drainMs: number;
  deliveriesPerSecond: number;
}

type LoadReceiver = Awaited<ReturnType<typeof startLoadReceiver>>;

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

async function scan<T = Record<string, unknown>>(stack: LocalStack, prefix: string): Promise<T[]> {
  const items: T[] = [];
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
    items.push(...((res.Items ?? []) as T[]));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

async function queuesEmpty(stack: LocalStack, urls: string[]): Promise<boolean> {
  const counts = await Promise.all(urls.map((u) => queueCounts(stack.deps.sqs, u)));
  return counts.every((q) => q.visible + q.inFlight + q.delayed === 0);
}

/** Deliveries whose latest log item is final (succeeded or failed). */
const finalRecords = (log: LogItem[]) =>
  [...latestOf(log).values()].filter((i) => i.status === "succeeded" || i.status === "failed").length;

export async function runLoad(stack: LocalStack, opts: LoadOptions): Promise<LoadReport> {
  const log = opts.progress ?? (() => {});
  const receiver = await startLoadReceiver(opts.failRate, opts.seed);
  const org = `org_load${opts.seed.toString(36)}${Date.now().toString(36)}`;
  try {
    await bootstrapOrg(stack.deps, { orgId: org, name: "load" });
    const endpoints = await loadEndpoints(stack, org, receiver.url);
    const t0 = Date.now();
    await publish(stack, org, opts.events);
    const publishMs = Date.now() - t0;
    log(`published ${opts.events} events in ${publishMs} ms`);
    const pairs = opts.events * endpoints.length;
    const { letters, logItems, settled } = await waitSettled(stack, org, receiver, pairs, opts);
    const drainMs = Date.now() - t0;

    const messages = await scan(stack, `MSG#${org}#`);
    const input: AccountingInput = {
      msgIds: messages.map((m) => String(m.id)),
      endpoints: endpoints.map((e) => ({ id: e.id, path: String(e.max_retries) })),
      seen: receiver.seen,
      log: logItems,
      letters,
      receiver: receiver.counts(),
    };
    const a = account(input);
    if (messages.length !== opts.events)
      a.mismatches.unshift(`${messages.length} events stored, ${opts.events} published`);
    const c = receiver.counts();
    return {
      events: opts.events,
      endpoints: endpoints.length,
      pairs,
      requests: c.requests,
      responses500: c.responses500,
      succeeded: a.succeeded,
      failed: a.failed,
      deadLettered: letters.size,
      attemptsLogged: a.attemptsLogged,
      failedAttemptsLogged: a.failedAttemptsLogged,
      unansweredAttemptsLogged: a.unansweredAttemptsLogged,
      duplicateSuccesses: a.duplicateSuccesses,
      settled,
      lost: a.lost,
      mismatches: a.mismatches,
      publishMs,
      drainMs,
      deliveriesPerSecond: Math.round((pairs / drainMs) * 1000),
    };
  } finally {
    await receiver.close();
  }
}

/**
 * Three endpoints, three retry budgets: failures end as retries (5), a short retry run (2) or
 * straight in the DLQ (0). Each answers on its own path of the receiver (its budget).
 */
async function loadEndpoints(stack: LocalStack, org: string, receiverUrl: string) {
  const endpoints = [];
  for (const max_retries of [5, 2, 0]) {
    const { endpoint } = await createEndpoint(stack.deps, org, {
      url: `${receiverUrl}/${max_retries}`,
      max_retries,
      timeout_ms: 5000,
    });
    endpoints.push(endpoint);
  }
  return endpoints;
}

/** Publishes on the ingest queue, 10 per SendMessageBatch, a few calls at a time. */
async function publish(stack: LocalStack, org: string, events: number): Promise<void> {
  const batches: number[][] = [];
  for (let i = 0; i < events; i += 10)
    batches.push(Array.from({ length: Math.min(10, events - i) }, (_, j) => i + j));
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
}

/**
 * Done when every pair has a 2xx or a DLQ message, the queues are empty (so no handler is
 * still writing) and every delivery's latest record is final; the log is read then, or at
 * `opts.timeoutMs` (not settled).
 */
async function waitSettled(
  stack: LocalStack,
  org: string,
  receiver: Pick<LoadReceiver, "seen" | "counts">,
  pairs: number,
  opts: LoadOptions,
): Promise<{ letters: Map<string, number>; logItems: LogItem[]; settled: boolean }> {
  const log = opts.progress ?? (() => {});
  const letters = new Map<string, number>();
  const queueUrls = [
    ...new Set(
      Object.entries(stack.config.queues)
        .filter(([n]) => !/Dlq$/.test(n))
        .map(([, u]) => u),
    ),
  ];
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
    const done = ok + letters.size;
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      const c = receiver.counts();
      log(
        `${done}/${pairs} settled: ${ok} delivered, ${letters.size} dead-lettered, ${c.requests} requests (${c.responses500} × 500)`,
      );
    }
    if (done >= pairs && (await queuesEmpty(stack, queueUrls))) {
      const logItems = await scan<LogItem>(stack, `LOG#${org}#`);
      if (finalRecords(logItems) >= pairs) return { letters, logItems, settled: true };
    }
    if (Date.now() > deadline)
      return { letters, logItems: await scan<LogItem>(stack, `LOG#${org}#`), settled: false };
    await new Promise((r) => setTimeout(r, 250));
  }
}
