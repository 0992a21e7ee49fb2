/**
 * The delivery engine's context: the parts a delivery handler (each lane: core/delivery/handler.ts)
 * is handed by the composition root (core/compose.ts contextFor), listed once, and passed down to
 * the batch's steps (attempt, execute, execute-now). The API's stores (keys, sessions,
 * organizations, event types, tasks' own listing) are not among them.
 */
import type { Parts, Uses } from "../deps.js";

export const DELIVERY_PORTS = [
  "config",
  "now",
  "tracer",
  "taskQueue",
  "scheduler",
  "operationalBus",
  "destination",
  "endpoints",
  "endpointStore",
  "messageStore",
  "deliveryStore",
  "healthStore",
  "rateLimitStore",
  "taskStore",
  "healthMemos",
  "fullRateWindows",
  "retrySchedules",
] as const satisfies Parts;

export type DeliveryContext = Uses<(typeof DELIVERY_PORTS)[number]>;
