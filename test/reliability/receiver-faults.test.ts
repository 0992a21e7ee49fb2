/**
 * Receiver faults, end to end through the delivery function (Lambda SQS event-source
 * emulation, DynamoDB Local, fauxqs) against real sockets on 127.0.0.1, with a time-scaled
 * retry schedule (1 s, then 3 s: a full retry cycle in seconds).
 *
 * Every fault ends in the right attempt records and a terminal state: succeeded, or failed
 * with the task in the delivery DLQ and the reason on it. At the end no task is left on the
 * queue, visible, in flight or delayed: nothing is stuck.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Message } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logger } from "../../core/log/logger.js";
import type { AttemptRecord } from "../../core/model/delivery.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { attemptsOfMsg, enqueue, taskFor, waitForDelivery } from "../support/deliveries.js";
import { type DeliveryPollers, startDelivery } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { receiveAll, waitForEmptyQueue } from "../support/queues.js";
import { type Receiver, type ReceiverOptions, startReceiver } from "../support/receiver.js";
import { type SqsSpy, spySqs } from "../support/sqs-spy.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

let stack: TestStack;
let spy: SqsSpy;
let source: DeliveryPollers;
let faults: Server;
let faultBase: string;
const receivers: Receiver[] = [];
const sockets = new Set<Socket>();
const org = uniqueOrg();
let expectedLetters = 0;

async function receiver(opts?: ReceiverOptions) {
  const r = await startReceiver(opts);
  receivers.push(r);
  return r;
}

/**
 * Faults a plain receiver cannot stage, by path: a response cut mid-body, status lines and
 * bodies dripped a byte at a time, bodies that never end.
 */
function startFaultServer(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const path = req.url ?? "";
      if (path.startsWith("/cut-200") || path.startsWith("/cut-500")) {
        const status = path.startsWith("/cut-200") ? 200 : 500;
        res.writeHead(status, { "content-type": "text/plain", "content-length": "1000" });
        res.write("partial-");
        setTimeout(() => req.socket.destroy(), 20);
      } else if (path.startsWith("/drip-headers")) {
        const line = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
        let i = 0;
        const timer = setInterval(() => {
          if (req.socket.destroyed || i >= line.length) return clearInterval(timer);
          req.socket.write(line[i++]!);
        }, 250);
        req.socket.on("close", () => clearInterval(timer));
      } else if (path.startsWith("/drip-body")) {
        res.writeHead(200, { "content-type": "text/plain" });
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write("d")), 100);
        res.on("close", () => clearInterval(timer));
      } else if (path.startsWith("/endless-200") || path.startsWith("/endless-500")) {
        res.writeHead(path.startsWith("/endless-200") ? 200 : 500, { "content-type": "text/plain" });
        const chunk = "e".repeat(16 * 1024);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) {
            // keep writing until the socket pushes back
          }
          if (!res.destroyed) res.once("drain", pump);
        };
        pump();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

beforeAll(async () => {
  logger.setLogLevel("ERROR");
  // 1 s after the first attempt, 3 s after later ones (also the ceiling for a Retry-After).
  stack = await createTestStack({ RETRY_SCHEDULE: "1,3", ENDPOINT_CACHE_SECONDS: "0" });
  spy = spySqs(stack.deps.sqs);
  faults = await startFaultServer();
  faultBase = `http://127.0.0.1:${(faults.address() as AddressInfo).port}`;
  source = startDelivery(stack, { concurrency: 4 });
});

afterAll(async () => {
  await source?.stop();
  await Promise.all(receivers.map((r) => r.close()));
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => faults?.close(() => resolve()));
});

/** Creates the endpoint, enqueues one task, and waits for its terminal state. */
async function deliver(
  over: Partial<EndpointRecord> & { url: string },
  final: "succeeded" | "failed",
): Promise<{ ep: EndpointRecord; task: DeliveryTask; attempts: AttemptRecord[] }> {
  const ep = await putEndpoint(stack.deps, { org_id: org, max_retries: 0, timeout_ms: 2000, ...over });
  const task = taskFor(ep, { case: over.url });
  if (final === "failed") expectedLetters++;
  await enqueue(stack.deps, task);
  const d = await waitForDelivery(stack.deps, task, final);
  const attempts = await attemptsOfMsg(stack.deps, org, task.msg_id, [task.endpoint_id]);
  expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
  expect(d.attempts).toBe(attempts.length);
  expect(d.last_error).toBe(attempts.at(-1)!.error);
  return { ep, task, attempts };
}

/** DLQ messages read so far (each is read once and then hidden from other reads). */
const letters: Message[] = [];
async function readLetters(): Promise<Message[]> {
  letters.push(...(await receiveAll(stack.deps.sqs, stack.config.queues.deliveryDlq)));
  return letters;
}

/** The DLQ message of a task, with its reason (the record may be written just before it). */
async function letterOf(task: DeliveryTask) {
  const m = await waitFor(
    async () => (await readLetters()).find((x) => (x.Body ?? "").includes(task.msg_id)),
    { what: `DLQ message for ${task.msg_id}`, intervalMs: 200 },
  );
  return {
    reason: m.MessageAttributes?.failure_reason?.StringValue ?? "",
    attempts: Number(m.MessageAttributes?.attempts?.StringValue),
    body: m.Body,
  };
}

/**
 * A delivery that fails for good: its first attempt failed with `status_code` and `error`,
 * and the task reached the DLQ (`letter`).
 */
async function failsWith(over: Parameters<typeof deliver>[0], status_code: number | null, error: string) {
  const { task, attempts } = await deliver(over, "failed");
  expect(attempts[0]).toMatchObject({ success: false, status_code, error });
  return { attempts, letter: await letterOf(task) };
}

describe.concurrent("receiver faults", () => {
  it("500 on every attempt: max_retries + 1 attempts, then failed and dead-lettered", async () => {
    const r = await receiver({ fallback: { status: 500, body: "boom" } });
    const { task, attempts } = await deliver({ url: r.url, max_retries: 2 }, "failed");
    expect(attempts).toHaveLength(3);
    for (const a of attempts) {
      expect(a).toMatchObject({ success: false, status_code: 500, error: "HTTP 500", response_body: "boom" });
    }
    expect(r.requests).toHaveLength(3);
    // The same delivery each time: same webhook-id, same body.
    expect(new Set(r.requests.map((q) => q.headers["webhook-id"]))).toEqual(new Set([task.msg_id]));
    expect(new Set(r.requests.map((q) => q.body))).toEqual(new Set([task.body]));
    const letter = await letterOf(task);
    expect(letter.reason).toBe("retries exhausted after 3 attempt(s): HTTP 500");
    expect(letter.attempts).toBe(3);
    expect(JSON.parse(letter.body!)).toMatchObject({ msg_id: task.msg_id, endpoint_id: task.endpoint_id });
  });

  it("503 with Retry-After: the retry waits as asked, then succeeds", async () => {
    const r = await receiver({ plan: [{ status: 503, retryAfter: "2" }] });
    const { task, attempts } = await deliver({ url: r.url, max_retries: 3 }, "succeeded");
    expect(attempts.map((a) => a.status_code)).toEqual([503, 200]);
    // The schedule says 1 s; Retry-After 2 s lengthens it: what SQS was told to wait.
    expect(spy.waits(task.msg_id)).toEqual([2]);
  });

  it("a hostile Retry-After (a year, a past date, garbage) cannot park or hurry a task", async () => {
    const r = await receiver({
      plan: [
        { status: 503, retryAfter: "31536000" },
        { status: 429, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT" },
        { status: 503, retryAfter: "-5, soon" },
      ],
    });
    const { attempts } = await deliver({ url: r.url, max_retries: 5 }, "succeeded");
    expect(attempts.map((a) => a.status_code)).toEqual([503, 429, 503, 200]);
  });

  it("a receiver that never answers: timed out on each attempt, then dead-lettered", async () => {
    const r = await receiver({ fallback: { hang: true } });
    const { task, attempts } = await deliver({ url: r.url, max_retries: 1, timeout_ms: 1000 }, "failed");
    expect(attempts).toHaveLength(2);
    for (const a of attempts) {
      expect(a).toMatchObject({ success: false, status_code: null, error: "timed out after 1000 ms" });
    }
    expect((await letterOf(task)).reason).toBe(
      "retries exhausted after 2 attempt(s): timed out after 1000 ms",
    );
  });

  it("connection reset before any response, then recovery", async () => {
    const r = await receiver({ plan: [{ reset: true }] });
    const { attempts } = await deliver({ url: r.url, max_retries: 2 }, "succeeded");
    expect(attempts[0]).toMatchObject({
      success: false,
      status_code: null,
      error: "connection reset by the endpoint",
    });
    expect(attempts[1]).toMatchObject({ success: true, status_code: 200 });
  });

  it("connection reset mid-body: the status line decides (200 succeeded, 500 retried)", async () => {
    const ok = await deliver({ url: `${faultBase}/cut-200` }, "succeeded");
    expect(ok.attempts).toHaveLength(1);
    expect(ok.attempts[0]).toMatchObject({ success: true, status_code: 200, error: null });
    expect(ok.attempts[0]!.response_body ?? "").toMatch(/^(partial-)?$/);

    const bad = await deliver({ url: `${faultBase}/cut-500`, max_retries: 1 }, "failed");
    expect(bad.attempts.map((a) => [a.status_code, a.error])).toEqual([
      [500, "HTTP 500"],
      [500, "HTTP 500"],
    ]);
    await letterOf(bad.task);
  });

  it("a status line dripped a byte at a time hits the total deadline", async () => {
    const { attempts } = await failsWith(
      { url: `${faultBase}/drip-headers`, timeout_ms: 1000 },
      null,
      "timed out after 1000 ms",
    );
    expect(attempts).toHaveLength(1);
  });

  it("a body dripped forever after a 200 is cut at the deadline: the attempt ends, as a success", async () => {
    const { attempts } = await deliver({ url: `${faultBase}/drip-body`, timeout_ms: 1000 }, "succeeded");
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ success: true, status_code: 200 });
    expect(attempts[0]!.response_body ?? "").toMatch(/^d*$/);
  });

  it("an endless body is read to 4 KiB and dropped (200 succeeds, 500 is retried)", async () => {
    const ok = await deliver({ url: `${faultBase}/endless-200` }, "succeeded");
    expect(ok.attempts[0]).toMatchObject({ success: true, status_code: 200 });
    expect(ok.attempts[0]!.response_body).toBe("e".repeat(4096));

    const bad = await deliver({ url: `${faultBase}/endless-500`, max_retries: 1 }, "failed");
    expect(bad.attempts).toHaveLength(2);
    for (const a of bad.attempts) {
      expect(a).toMatchObject({ success: false, status_code: 500, error: "HTTP 500" });
      expect(a.response_body).toBe("e".repeat(4096));
    }
    await letterOf(bad.task);
  });

  it.each([301, 302, 303, 307, 308] as const)(
    "redirect %i is a failure and is not followed",
    async (status) => {
      const target = await receiver();
      const r = await receiver({ fallback: { redirect: target.url, status } });
      const { letter } = await failsWith(
        { url: r.url },
        status,
        `HTTP ${status} (redirects are not followed)`,
      );
      expect(target.requests).toHaveLength(0);
      expect(letter.reason).toMatch(/redirects are not followed/);
    },
  );

  it("a name that does not resolve (.invalid) fails clearly", async () => {
    await failsWith(
      { url: "https://hooks.example.invalid/hook" },
      null,
      "DNS lookup failed for hooks.example.invalid",
    );
  });

  it("a closed port is refused; TLS spoken to a plain HTTP server fails the handshake", async () => {
    const closed = await receiver();
    const port = closed.port;
    await closed.close();
    const refused = await deliver({ url: `http://127.0.0.1:${port}/hook` }, "failed");
    expect(refused.attempts[0]).toMatchObject({
      status_code: null,
      error: `connection refused by 127.0.0.1:${port} (ECONNREFUSED)`,
    });
    await letterOf(refused.task);

    const plain = await receiver();
    const tls = await deliver({ url: plain.url.replace("http://", "https://") }, "failed");
    expect(tls.attempts[0]!.status_code).toBeNull();
    expect(tls.attempts[0]!.error).toMatch(/TLS|SSL|connection reset|request failed/i);
    await letterOf(tls.task);
  });

  it("429 without Retry-After follows the schedule, then succeeds", async () => {
    const r = await receiver({ plan: [{ status: 429 }, { status: 429 }] });
    const { attempts } = await deliver({ url: r.url, max_retries: 5 }, "succeeded");
    expect(attempts.map((a) => a.status_code)).toEqual([429, 429, 200]);
  });
});

describe("afterwards", () => {
  it("no task is stuck: the delivery queue is empty and every failure is in the DLQ", async () => {
    await waitForEmptyQueue(stack.deps.sqs, stack.config.queues.delivery);
    const all = await readLetters();
    expect(new Set(all.map((m) => JSON.parse(m.Body!).msg_id)).size).toBe(expectedLetters);
  });
});
