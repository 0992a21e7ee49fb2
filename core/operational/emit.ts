/**
 * Emitting operational events (core/model/operational.ts): each becomes an ordinary event of
 * the platform organization (PLATFORM_ORG_ID), published on the ingest queue, so it is stored,
 * fanned out to the platform's endpoints registered for its type, signed, retried, logged and
 * filtered like any other; and, on AWS, a copy is put on the EventBridge bus.
 *
 * Emitting never fails the work that caused it (a delivery batch, an API call): an event that
 * cannot be published is logged with its key and dropped.
 *
 * Loops (docs/operations.md, "Operational events"): a delivery of an operational event that
 * exhausts its retries emits nothing (`message.dead_lettered` about a `hookrelay.*` event would
 * feed itself for ever); endpoint state changes emit one event per change, so an endpoint
 * receiving operational events that fails causes a bounded number of events about itself.
 */
import { createHash } from "node:crypto";
import type { Uses } from "../deps.js";
import { logger } from "../log/index.js";
import {
  type IngestMessage,
  isOperationalType,
  MAX_PRODUCER_ID_LENGTH,
  type OperationalEvent,
} from "../model/index.js";

export type EmitDeps = Uses<"config" | "taskQueue" | "operationalBus">;

/** The ingest message of an operational event: published in the platform organization. */
export function ingestMessageOf(platformOrgId: string, e: OperationalEvent): IngestMessage {
  // Keys are short (ids and a time); one built from unusually long ids is hashed to fit.
  const id =
    e.key.length <= MAX_PRODUCER_ID_LENGTH ? e.key : `h:${createHash("sha256").update(e.key).digest("hex")}`;
  return { org_id: platformOrgId, type: e.type, id, data: { ...e.data } };
}

/** Publishes the events; logs and drops what cannot be published. */
export async function emitOperational(deps: EmitDeps, events: readonly OperationalEvent[]): Promise<void> {
  const wanted = events.filter((e) => !aboutAnOperationalEvent(e));
  if (wanted.length === 0) return;
  // The platform organization is their fair-queue tenant, as a producer's organization is
  // its events' (packages/client/src/publish.ts).
  const messages = wanted.map((e, i) => ({
    id: String(i),
    body: JSON.stringify(ingestMessageOf(deps.config.platformOrgId, e)),
    tenant: deps.config.platformOrgId,
  }));
  const failed = (what: string) => (err: unknown) => {
    logger.error(what, {
      keys: wanted.map((e) => e.key),
      error: (err as Error)?.message,
    });
  };
  await Promise.all([
    deps.taskQueue.send("ingest", messages).then((report) => {
      for (const [i, e] of wanted.entries()) {
        const sent = !report.failed.includes(String(i));
        logger[sent ? "info" : "error"](sent ? "operational event" : "operational event not published", {
          type: e.type,
          key: e.key,
          org_id: e.data.org_id,
          endpoint_id: e.data.endpoint_id,
        });
      }
    }, failed("operational events not published")),
    deps.operationalBus.put(wanted).catch(failed("operational events not put on the bus")),
  ]);
}

/** `message.dead_lettered` of a delivery of an operational event: never emitted (a loop). */
function aboutAnOperationalEvent(e: OperationalEvent): boolean {
  const type = e.data.event_type;
  return e.type === "hookrelay.message.dead_lettered" && typeof type === "string" && isOperationalType(type);
}
