/**
 * The API's context: the parts the HTTP API (every route, the portal pages, readiness) is handed
 * by the composition root (core/compose.ts contextFor), listed once. The delivery engine's
 * per-process state (health memos, rate windows, the retry budget) and the destinations are
 * not among them: the API enqueues work, it never sends. It publishes as ingest does, so it
 * holds filter counts like ingest (core/filters/counts.ts).
 */
import type { Parts, Uses } from "../deps.js";

export const API_PORTS = [
  "config",
  "now",
  "tracer",
  "taskQueue",
  "scheduler",
  "operationalBus",
  "endpoints",
  "eventTypes",
  "messageStore",
  "deliveryStore",
  "attemptStore",
  "fanoutStore",
  "pingStore",
  "apiKeyStore",
  "endpointStore",
  "endpointHandleStore",
  "eventTypeStore",
  "filterCountStore",
  "filterCounts",
  "orgStore",
  "portalSessionStore",
  "taskStore",
  "erasureStore",
  "replaySource",
] as const satisfies Parts;

export type ApiContext = Uses<(typeof API_PORTS)[number]>;
