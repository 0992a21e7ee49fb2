/**
 * A real HTTP webhook receiver on 127.0.0.1 (random port) for integration tests: it records
 * every request (headers and the raw body, for signature checks) and answers from a
 * programmable plan: status sequences, delays, Retry-After, redirects, hangs and resets.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { Socket } from "node:net";
import { waitFor } from "./wait.js";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Names and values as they came on the wire, repeats kept (`headers` merges them). */
  rawHeaders: string[];
  /** The raw body exactly as received (what a signature is computed over). */
  body: string;
  /** Arrival time (ms since epoch). */
  at: number;
  /** Becomes true when the connection the request came on closes (e.g. the sender gave up). */
  connectionClosed: boolean;
}

export type Reply =
  | {
      status: number;
      body?: string;
      headers?: Record<string, string>;
      /** `Retry-After` header value (seconds or an HTTP date). */
      retryAfter?: string;
      /** Wait this long before answering. */
      delayMs?: number;
      /** Answer once this settles (a hold the test releases; no timer). */
      after?: Promise<unknown>;
    }
  /** Answer a 3xx pointing elsewhere. */
  | { redirect: string; status?: 301 | 302 | 303 | 307 | 308 }
  /** Read the request and never answer (until the receiver closes). */
  | { hang: true }
  /** Read the request and destroy the connection without answering. */
  | { reset: true };

export type Plan = Reply[] | ((req: ReceivedRequest, index: number) => Reply);

export interface Receiver {
  /** `http://127.0.0.1:{port}` plus the path given to startReceiver. */
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections(): number;
  /** Replaces the plan; the request index keeps counting. */
  setPlan(plan: Plan, fallback?: Reply): void;
  waitForRequests(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** Replies in order; after the list the fallback answers. */
  plan?: Plan;
  /** Default: 200 with `{"ok":true}`. */
  fallback?: Reply;
  path?: string;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  let plan: Plan = options.plan ?? [];
  let fallback: Reply = options.fallback ?? { status: 200, body: '{"ok":true}' };
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const received: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
        connectionClosed: false,
      };
      req.socket.once("close", () => {
        received.connectionClosed = true;
      });
      const index = requests.length;
      requests.push(received);
      const reply = typeof plan === "function" ? plan(received, index) : (plan[index] ?? fallback);
      if ("hang" in reply) return;
      if ("reset" in reply) {
        req.socket.destroy();
        return;
      }
      if ("redirect" in reply) {
        res.writeHead(reply.status ?? 302, { location: reply.redirect }).end();
        return;
      }
      const answer = () => {
        const headers: Record<string, string> = { "content-type": "application/json", ...reply.headers };
        if (reply.retryAfter !== undefined) headers["retry-after"] = reply.retryAfter;
        res.writeHead(reply.status, headers).end(reply.body ?? "");
      };
      if (reply.after) void reply.after.then(answer);
      else if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  server.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("receiver did not bind a port");
  const port = address.port;

  return {
    url: `http://127.0.0.1:${port}${options.path ?? "/webhook"}`,
    port,
    requests,
    connections: () => connections,
    setPlan(next, nextFallback) {
      // Index-based plans continue from the current count.
      if (Array.isArray(next)) {
        const offset = requests.length;
        plan = (_req, i) => next[i - offset] ?? fallback;
      } else plan = next;
      if (nextFallback) fallback = nextFallback;
    },
    waitForRequests: (n, timeoutMs = 20_000) =>
      waitFor(() => requests.length >= n && requests.slice(), {
        timeoutMs,
        what: `${n} request(s) at the receiver (got ${requests.length})`,
      }),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
