/**
 * The keep-alive agents of outbound webhook requests: one per scheme and SSRF policy, shared
 * by every request of a warm function instance.
 *
 * A guarded agent resolves every host name through `guardedLookup` when it opens a socket,
 * so the address checked is the address connected to (no DNS-rebinding window between a
 * check and the request). Node's `http.Agent` passes `lookup` on to `net.connect`/`tls.connect`.
 */
import http from "node:http";
import https from "node:https";
import { guardedLookup } from "../outbound/index.js";

/** Idle kept-alive sockets are closed after this (below common server keep-alive timeouts is not needed: a reset reused socket is retried). */
const IDLE_SOCKET_MS = 10_000;

const agents = new Map<string, http.Agent>();

export function agentFor(allowPrivateTargets: boolean, protocol = "https:"): http.Agent {
  const key = `${protocol}${allowPrivateTargets ? "open" : "guarded"}`;
  let agent = agents.get(key);
  if (!agent) {
    const options: http.AgentOptions = {
      keepAlive: true,
      timeout: IDLE_SOCKET_MS,
      scheduling: "lifo",
      ...(allowPrivateTargets ? {} : { lookup: guardedLookup() }),
    };
    agent = protocol === "http:" ? new http.Agent(options) : new https.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

export function requestFn(url: URL): typeof http.request {
  return url.protocol === "http:" ? http.request : https.request;
}
