/**
 * The cost table: for each scenario, the service's own code runs on the local stack
 * (DynamoDB Local, fauxqs, a receiver on 127.0.0.1) with every AWS call counted and
 * DynamoDB's consumed capacity read back, and the counts are priced at list prices.
 * Nothing in the table is typed in by hand except the prices and the compute model below.
 *
 * Each scenario publishes one batch of 10 events of 1,000 bytes (the shape of an ingest or
 * delivery batch under load) and drives the ingest and delivery handlers directly on what the
 * queues hold, as Lambda's event source would; retries come back after their (bench-shortened)
 * delay. One warm-up event per scenario goes first, uncounted: what a warm function instance
 * does once per endpoint per minute (cache loads, the `last_delivery_at` refresh) is not a cost
 * per delivery and is listed apart (docs/cost.md).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import type { Deps } from "../core/all-deps.js";
import { functions } from "../core/config/infra.js";
import { createDeliveryHandler } from "../core/delivery/handler.js";
import { createEndpoint } from "../core/endpoints/service.js";
import { completeFanout } from "../core/events/fanout.js";
import { ingestEvent } from "../core/events/ingest.js";
import { createIngestHandler } from "../core/events/ingest-handler.js";
import type { Scheduler } from "../core/model/schedule.js";
import { publishEvents } from "../packages/client/src/publish.js";
import { CallCounter, type CallSnapshot } from "./calls.js";
import { progress } from "./progress.js";
import { round } from "./stats.js";

/** List prices, us-east-1, 2026 (docs/cost.md cites them). */
export const PRICES = {
  sqsRequest: 0.4e-6,
  wru: 0.625e-6,
  rru: 0.125e-6,
  lambdaRequest: 0.2e-6,
  lambdaGbSecond: 0.0000133334,
  schedulerInvocation: 1e-6,
  apiGatewayRequest: 1e-6,
} as const;

/**
 * Compute model (Lambda bills wall time): a delivery invocation lasts as long as its slowest
 * endpoint plus the AWS calls after it; an ingest or API invocation, its AWS calls.
 * "Low traffic": one record per invocation; "high": full batches of each event source's batch
 * size as deployed (core/config/infra.ts: 20 in the delivery lane, `DELIVERY_BATCH`; 10 for
 * ingest), read from the config so the table follows it.
 */
export const COMPUTE = { endpointSeconds: 0.1, awsCallsSeconds: 0.02 } as const;

/** Records per invocation: one each at low traffic, full batches at high. */
interface Records {
  deliver: number;
  ingest: number;
}
const LOW: Records = { deliver: 1, ingest: 1 };
export const HIGH: Records = { deliver: functions.deliver.batchSize, ingest: functions.ingest.batchSize };

/** What other services charge per million (overage list prices, 2026). */
export const ELSEWHERE = [
  { name: "Svix (overage, per message)", perMillion: "$100" },
  { name: "Hookdeck (per event)", perMillion: "$3.30–10" },
] as const;

type ReceiverMode = "ok" | "fail-first" | "hang-first";

interface Scenario {
  name: string;
  fanout: number;
  /** Endpoints more, subscribed to the events, whose payload filter refuses every one. */
  filtered?: number;
  publish: "sqs" | "http";
  producerId?: boolean;
  deliverAt?: boolean;
  receiver: ReceiverMode;
}

export const SCENARIOS: Scenario[] = [
  { name: "first attempt succeeds, fan-out 1", fanout: 1, publish: "sqs", receiver: "ok" },
  { name: "first attempt succeeds, fan-out 5", fanout: 5, publish: "sqs", receiver: "ok" },
  { name: "one retry (500, then 2xx)", fanout: 1, publish: "sqs", receiver: "fail-first" },
  { name: "one timed-out attempt, then 2xx", fanout: 1, publish: "sqs", receiver: "hang-first" },
  { name: "published over HTTP (API)", fanout: 1, publish: "http", receiver: "ok" },
  { name: "with a producer id", fanout: 1, publish: "sqs", producerId: true, receiver: "ok" },
  { name: "with deliver_at", fanout: 1, publish: "sqs", deliverAt: true, receiver: "ok" },
  {
    name: "fan-out 1, and 1 endpoint's filter refuses the event (filtered_count)",
    fanout: 1,
    filtered: 1,
    publish: "sqs",
    receiver: "ok",
  },
];

/** Configuration of the deps the cost table runs on (see runCostTable). */
export const COST_ENV = { ENDPOINT_CACHE_SECONDS: "600", BREAKER_FAILURES: "1000" } as const;

/**
 * Size of each published event (its JSON as a producer sends it). Stored, with its envelope
 * (keys, ids, type, timestamps, targets, schema version, traceparent, expiry: ~335 bytes), it is
 * a message item just under 1 KB (~1,015 bytes), which DynamoDB bills as 1 write unit: the "1 KB
 * event" the write-unit aims are set for. 750 until the envelope grew by the traceparent (55
 * characters), `schema_version` and `expires_at`: then a 750-byte event's item was ~1,080 bytes,
 * 2 write units, and the table read +1 WRU per event in every row.
 */
export const EVENT_BYTES = 680;
/** A filter no bench event matches (docs/filters.md). */
const REFUSE_ALL = { data: { never: true } };

export interface CostRow {
  name: string;
  deliveries: number;
  /** Billed requests per delivery, by "Service.Operation" (ESM receives/deletes included). */
  requests: Record<string, number>;
  requestsPerDelivery: number;
  wruPerDelivery: number;
  /** The same write units by function: "ingest" (the message, its keys, filtered counts) and "deliver". */
  wruByFunction: Record<string, number>;
  rruPerDelivery: number;
  lambdaInvocationsPerDelivery: number;
  /** $ per million deliveries: requests and storage units, then compute at low / high traffic. */
  dollarsPerMillion: { requests: number; computeLow: number; computeHigh: number; low: number; high: number };
}

const EVENTS = 10;

/**
 * Runs every scenario on `deps` (pollers stopped) and prices it. `deps` should be configured
 * with COST_ENV: endpoints cached for longer than a scenario runs (their reloads are a cost per
 * instance and second, not per delivery), and no circuit breaker on the 10 first attempts that
 * fail together in the retry scenarios (an outage's cost, not a retry's; docs/cost.md).
 */
export async function runCostTable(deps: Deps, admin: SQSClient): Promise<CostRow[]> {
  const receiver = await startProbeReceiver();
  try {
    const rows: CostRow[] = [];
    for (const s of SCENARIOS) {
      progress(`[cost] ${s.name}`, true);
      rows.push(await runScenario(deps, admin, receiver, s));
    }
    return rows;
  } finally {
    await new Promise((r) => receiver.server.close(r));
  }
}

async function runScenario(
  deps: Deps,
  admin: SQSClient,
  receiver: ProbeReceiver,
  s: Scenario,
): Promise<CostRow> {
  const base = receiver.url;
  const counter = new CallCounter();
  let schedules = 0;
  const scheduler: Scheduler = {
    ...deps.scheduler,
    // Schedules are an API call (not billed) and an invocation when they fire (billed).
    schedule: async () => {
      schedules++;
    },
  };
  const counted: Deps = { ...deps, scheduler };
  counter.instrument(deps.db.doc, "DynamoDB");
  counter.instrument(deps.sqs, "SQS");
  const org = `org_cost${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  for (let i = 0; i < s.fanout + (s.filtered ?? 0); i++) {
    await createEndpoint(deps, org, {
      url: `${base}/${s.receiver}`,
      timeout_ms: 1000,
      max_retries: 5,
      ...(i >= s.fanout ? { filter: REFUSE_ALL } : {}),
    });
  }
  await warmUp(counted, admin, receiver, org, s.fanout);
  counter.take(); // setup and warm-up are not part of a delivery
  const events = Array.from({ length: EVENTS }, (_, i) =>
    sized({
      org_id: org,
      type: "web.complete",
      data: { i, pad: "" },
      ...(s.producerId ? { id: `cost-${org}-${i}` } : {}),
      ...(s.deliverAt ? { deliver_at: new Date(Date.now() + 120_000).toISOString() } : {}),
    }),
  );
  let esmBatches = 0;
  let apiRequests = 0;

  if (s.publish === "http") {
    // What the API function does per request once the caller is authenticated (cached key).
    const ingest = counter.wrap("ingest", async (e: { Records: unknown[] }) => {
      for (const ev of e.Records) await ingestEvent(counted, ev);
    });
    await ingest({ Records: events });
    apiRequests = EVENTS;
  } else {
    await counter.wrap("producer", async (_: { Records?: unknown[] }) =>
      publishEvents(deps.sqs, deps.config.queues.ingest, events),
    )({});
    const ingest = counter.wrap("ingest", createIngestHandler(counted));
    esmBatches += await drain(admin, deps.config.queues.ingest, EVENTS, async (batch) => {
      await ingest(sqsEvent(batch, deps.config.queues.ingest));
    });
  }
  if (s.deliverAt) {
    // The schedule fires: its command reaches the ingest function through the ingest queue.
    const later: Deps = { ...counted, now: () => new Date(Date.now() + 180_000) };
    const fire = counter.wrap("ingest", async (_: { Records: unknown[] }) => {
      const ids = await messageIdsOf(deps, org);
      await Promise.all(ids.map((id) => completeFanout(later, org, id)));
    });
    await fire({ Records: events });
    esmBatches += 1;
  }

  const deliver = counter.wrap("deliver", createDeliveryHandler(counted));
  const expected = EVENTS * s.fanout;
  let delivered = 0;
  let deliverBatches = 0;
  for (let round = 0; round < 6 && delivered < expected; round++) {
    deliverBatches += await drain(admin, deps.config.queues.delivery, expected - delivered, async (batch) => {
      const res = await deliver(sqsEvent(batch, deps.config.queues.delivery));
      delivered += batch.length - res.batchItemFailures.length;
    });
  }
  esmBatches += deliverBatches;
  return price(s, counter.take(), { delivered, esmBatches, apiRequests, schedules });
}

/** `event` with `data.pad` grown so that its JSON is EVENT_BYTES long. */
function sized<T extends { data: { pad: string } }>(event: T): T {
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > EVENT_BYTES) throw new Error(`a bench event is ${bytes} bytes before padding`);
  return { ...event, data: { ...event.data, pad: "x".repeat(EVENT_BYTES - bytes) } };
}

/**
 * One event to the `deliveries` endpoints of `org`, delivered, uncounted: loads the caches of a warm
 * instance and its once-a-minute `last_delivery_at` refresh. The receiver answers 2xx to it
 * whatever the scenario.
 */
async function warmUp(
  deps: Deps,
  admin: SQSClient,
  receiver: ProbeReceiver,
  org: string,
  deliveries: number,
): Promise<void> {
  await publishEvents(deps.sqs, deps.config.queues.ingest, [
    { org_id: org, type: "web.complete", data: { warm_up: true } },
  ]);
  const ingest = createIngestHandler(deps);
  for (let i = 0, got = 0; i < 5 && got === 0; i++) {
    got = await drain(admin, deps.config.queues.ingest, 1, (batch) =>
      ingest(sqsEvent(batch, deps.config.queues.ingest)).then(() => undefined),
    );
  }
  const deliver = createDeliveryHandler(deps);
  // Until the receiver has seen it at every endpoint (the queues may hold a leftover task).
  for (let i = 0; i < 5 && receiver.warmUps() < deliveries; i++) {
    await drain(admin, deps.config.queues.delivery, deliveries, (batch) =>
      deliver(sqsEvent(batch, deps.config.queues.delivery)).then(() => undefined),
    );
  }
  if (receiver.warmUps() < deliveries) throw new Error("the warm-up event was not delivered");
  receiver.resetWarmUps();
}

function price(
  s: Scenario,
  snap: CallSnapshot,
  x: { delivered: number; esmBatches: number; apiRequests: number; schedules: number },
): CostRow {
  const per = (n: number) => n / Math.max(x.delivered, 1);
  const requests: Record<string, number> = {};
  let sqs = 0;
  for (const ops of Object.values(snap.calls)) {
    for (const [op, n] of Object.entries(ops)) {
      if (op.startsWith("SQS.ReceiveMessage")) continue; // the bench's own receives stand for the ESM's
      requests[op] = (requests[op] ?? 0) + per(n);
      if (op.startsWith("SQS.")) sqs += n;
    }
  }
  // Lambda's event source: one receive and one delete per batch, billed to the account.
  requests["SQS.ReceiveMessage (event source)"] = per(x.esmBatches);
  requests["SQS.DeleteMessageBatch (event source)"] = per(x.esmBatches);
  sqs += 2 * x.esmBatches;
  if (x.schedules) requests["Scheduler invocation"] = per(x.schedules);
  if (x.apiRequests) requests["API Gateway request"] = per(x.apiRequests);
  const invocations = (snap.invocations.ingest ?? 0) + (snap.invocations.deliver ?? 0);
  requests["Lambda invocation"] = per(invocations);
  const wru = Object.values(snap.capacity).reduce((a, c) => a + c.write, 0);
  const rru = Object.values(snap.capacity).reduce((a, c) => a + c.read, 0);
  const requestDollars =
    per(sqs) * PRICES.sqsRequest +
    per(wru) * PRICES.wru +
    per(rru) * PRICES.rru +
    per(x.schedules) * PRICES.schedulerInvocation +
    per(x.apiRequests) * PRICES.apiGatewayRequest +
    per(invocations) * PRICES.lambdaRequest;
  const computeLow = computePerDelivery(s, LOW);
  const computeHigh = computePerDelivery(s, HIGH);
  const million = (d: number) => round(d * 1e6, 2);
  return {
    name: s.name,
    deliveries: x.delivered,
    requests: Object.fromEntries(Object.entries(requests).map(([k, v]) => [k, round(v, 3)])),
    requestsPerDelivery: round(
      per(sqs) + per(x.schedules) + per(x.apiRequests) + per(invocations) + per(countDynamo(snap)),
      2,
    ),
    wruPerDelivery: round(per(wru), 2),
    wruByFunction: Object.fromEntries(
      Object.entries(snap.capacity)
        .filter(([, c]) => c.write > 0)
        .map(([origin, c]) => [origin, round(per(c.write), 2)]),
    ),
    rruPerDelivery: round(per(rru), 2),
    lambdaInvocationsPerDelivery: round(per(invocations), 2),
    dollarsPerMillion: {
      requests: million(requestDollars),
      computeLow: million(computeLow),
      computeHigh: million(computeHigh),
      low: million(requestDollars + computeLow),
      high: million(requestDollars + computeHigh),
    },
  };
}

function countDynamo(snap: CallSnapshot): number {
  let n = 0;
  for (const ops of Object.values(snap.calls))
    for (const [op, c] of Object.entries(ops)) if (op.startsWith("DynamoDB.")) n += c;
  return n;
}

/** GB-s per delivery priced: delivery invocations (per attempt) plus ingest's share per event. */
function computePerDelivery(s: Scenario, records: Records): number {
  const gb = (mb: number) => mb / 1024;
  const attempts = s.receiver === "ok" ? 1 : 2;
  const slowest = s.receiver === "hang-first" ? 1 : COMPUTE.endpointSeconds; // the timeout, 1 s
  const deliverSeconds =
    ((COMPUTE.endpointSeconds + COMPUTE.awsCallsSeconds) * (attempts - 1) +
      slowest +
      COMPUTE.awsCallsSeconds) /
    records.deliver;
  const ingestSeconds = COMPUTE.awsCallsSeconds / (s.publish === "http" ? 1 : records.ingest) / s.fanout;
  const memory = s.publish === "http" ? functions.api.memoryMb : functions.ingest.memoryMb;
  return (
    (gb(functions.deliver.memoryMb) * deliverSeconds + gb(memory) * ingestSeconds) * PRICES.lambdaGbSecond
  );
}

/** Receives `expected` messages (or what arrives within a few empty polls) in batches of 10. */
async function drain(
  admin: SQSClient,
  queueUrl: string,
  expected: number,
  handle: (batch: Message[]) => Promise<void>,
): Promise<number> {
  let got = 0;
  let batches = 0;
  for (let empty = 0; got < expected && empty < 3; ) {
    const res = await admin.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const batch = res.Messages ?? [];
    if (batch.length === 0) {
      empty++;
      continue;
    }
    got += batch.length;
    batches++;
    await handle(batch);
  }
  return batches;
}

function sqsEvent(messages: Message[], queueUrl: string): SQSEvent {
  const arn = `arn:aws:sqs:us-east-1:000000000000:${queueUrl.split("/").pop()}`;
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1",
          SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: "bench",
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? "",
        eventSource: "aws:sqs",
        eventSourceARN: arn,
        awsRegion: "us-east-1",
      }),
    ),
  };
}

async function messageIdsOf(deps: Deps, org: string): Promise<string[]> {
  const { listMessages } = await import("../core/store/messages.js");
  return (await listMessages(deps.db, org, { limit: 100 })).items.map((m) => m.id);
}

interface ProbeReceiver {
  server: Server;
  url: string;
  /** Warm-up requests answered since the last reset. */
  warmUps(): number;
  resetWarmUps(): void;
}

/** A receiver for the scenarios: 2xx, 500 once per webhook-id, or a hang once per webhook-id. */
async function startProbeReceiver(): Promise<ProbeReceiver> {
  const seen = new Set<string>();
  let warmUps = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      const id = String(req.headers["webhook-id"]);
      const mode = (req.url ?? "").slice(1) as ReceiverMode;
      const warm = body.includes('"warm_up":true');
      if (warm) warmUps++;
      const first = !seen.has(id) && !warm;
      seen.add(id);
      if (mode === "fail-first" && first) return res.writeHead(500).end("no");
      if (mode === "hang-first" && first) return; // the attempt's deadline ends it
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    warmUps: () => warmUps,
    resetWarmUps: () => {
      warmUps = 0;
    },
  };
}

/** The cost section of bench/results.md. */
/** The table; `rerun`: how it was re-run alone, when it was (bench/run.ts `--cost-only`). */
export function renderCostTable(rows: CostRow[], rerun?: string): string {
  const fmt = (n: number, d = 2) =>
    n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  const lines = [
    `**Cost per million deliveries** (measured: requests and DynamoDB units counted while the service's code ran each scenario on the local stack, 10 events of ${EVENT_BYTES} bytes of JSON, each stored with its envelope as a message item under 1 KB (1 WRU), after one uncounted warm-up event; endpoints cached and the circuit breaker off during the count; priced at 2026 us-east-1 list prices: SQS $0.40/M requests, DynamoDB on-demand $0.625/M WRU and $0.125/M RRU, Lambda $0.20/M requests and $0.0000133334/GB-s (arm64), EventBridge Scheduler $1/M, API Gateway HTTP API $1/M; compute modelled: an endpoint answering in 100 ms, 20 ms of AWS calls per invocation, 1 record per invocation at low traffic and full batches at high (${HIGH.deliver} a delivery invocation, ${HIGH.ingest} an ingest one, as deployed); see docs/cost.md)`,
    ...(rerun ? ["", `Re-run alone: ${rerun}.`] : []),
    "",
    "| scenario | billed requests / delivery | WRU / delivery | of which ingest + deliver | RRU / delivery | Lambda invocations / delivery | $ / M: requests + storage | + compute, low traffic | + compute, high traffic | **$ / M, low / high** |",
    "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.requestsPerDelivery)} | ${fmt(r.wruPerDelivery)} | ${fmt(r.wruByFunction.ingest ?? 0)} + ${fmt(r.wruByFunction.deliver ?? 0)} | ${fmt(r.rruPerDelivery)} | ${fmt(r.lambdaInvocationsPerDelivery)} | ${fmt(r.dollarsPerMillion.requests)} | ${fmt(r.dollarsPerMillion.computeLow)} | ${fmt(r.dollarsPerMillion.computeHigh)} | **${fmt(r.dollarsPerMillion.low)} / ${fmt(r.dollarsPerMillion.high)}** |`,
    ),
    ...ELSEWHERE.map((e) => `| elsewhere: ${e.name} | | | | | | | | | **${e.perMillion}** |`),
    "",
    "Requests per delivery by operation:",
    "",
    `| scenario | ${requestColumns(rows).join(" | ")} |`,
    `| --- | ${requestColumns(rows)
      .map(() => "--:")
      .join(" | ")} |`,
    ...rows.map(
      (r) =>
        `| ${r.name} | ${requestColumns(rows)
          .map((c) => fmt(r.requests[c] ?? 0, 3))
          .join(" | ")} |`,
    ),
  ];
  return lines.join("\n");
}

function requestColumns(rows: CostRow[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r.requests)))].sort();
}
