/**
 * The API on node:http for `npm start`, reading each request body before the app runs, as API
 * Gateway does in front of the Lambda function (so this is not a concern on AWS).
 *
 * Why: an answer given before the body was read (401, 413, 415) left the rest of the body on a
 * connection that said `keep-alive`; the server then reset it and the client's next request on it
 * failed (ECONNRESET). Here every body is read to its end, up to DRAIN_MAX_BYTES (API Gateway's
 * own payload limit), so the connection stays usable; the app sees at most MAX_BODY_BYTES + 1
 * bytes (enough for its 413). A body beyond the bound is not read: the answer says
 * `connection: close`, and the socket keeps reading (and discarding) for a moment after it, so the
 * client reads the answer rather than a reset.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { MAX_BODY_BYTES } from "../core/model/index.js";

/** The most a request body is read for (10 MiB, as API Gateway); a longer one closes the connection. */
export const DRAIN_MAX_BYTES = 10 * 1024 * 1024;
/** How long a closing connection still reads (and discards) what the client sends. */
const LINGER_MS = 10_000;

export interface ApiServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

interface ReadBody {
  /** The first MAX_BODY_BYTES + 1 bytes: all the app needs to answer (or refuse) the request. */
  body: Buffer;
  /** False when the body is longer than DRAIN_MAX_BYTES and was left unread. */
  whole: boolean;
}

/** Reads a request body to its end, keeping at most MAX_BODY_BYTES + 1 bytes of it. */
function readBody(req: IncomingMessage): Promise<ReadBody> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > DRAIN_MAX_BYTES) return Promise.resolve({ body: Buffer.alloc(0), whole: false });
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let total = 0;
    const done = (whole: boolean) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onEnd);
      if (!whole) req.pause();
      resolve({ body: Buffer.concat(kept), whole });
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (keptBytes <= MAX_BODY_BYTES) {
        const part = chunk.subarray(0, MAX_BODY_BYTES + 1 - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
      if (total > DRAIN_MAX_BYTES) done(false);
    };
    const onEnd = () => done(true);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onEnd);
  });
}

/**
 * Node closes a `connection: close` socket as soon as the answer is written; with unread bytes
 * still arriving that is a reset, which can destroy the answer before the client reads it. Half
 * close instead and discard what comes, until the client closes or LINGER_MS passes.
 */
function lingerOnClose(socket: Socket) {
  socket.destroySoon = () => {
    socket.end();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };
}

export async function serveApi(
  fetch: (request: Request) => Response | Promise<Response>,
  port = 0,
): Promise<ApiServer> {
  // The body is read here, whole, so the listener must not "clean up" (reset) the request.
  const listener = getRequestListener(fetch, { autoCleanupIncoming: false });
  const server = createServer(async (req, res) => {
    const { body, whole } = await readBody(req);
    if (!whole) {
      res.setHeader("connection", "close");
      lingerOnClose(req.socket);
    }
    // @hono/node-server builds the Request's body from `rawBody` when an adapter read it first.
    Object.assign(req, { rawBody: body });
    await listener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
