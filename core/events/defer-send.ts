/**
 * Sending the deferred copies of a batch's refused records (defer.ts), counted as metrics and
 * logged as a summary (core/log/summary.ts), not a warning per batch: a tenant over its shards has
 * ~1,000 events a second deferred (docs/scale.md, `hot-tenant-4k`), which were up to a warning
 * per ingest batch, and the line said no more than the count does. The metrics themselves are
 * one EMF record per batch that deferred (as each delivery batch's are, core/delivery/metrics.ts):
 * the summary saves the warning, not that record.
 *
 * Metrics (EMF, namespace `hookrelay/<stage>`): `IngestDeferred`, the copies on the queue (their
 * records acknowledged); `IngestDeferralNotSent`, those SQS refused (their records fail and
 * come back by the queue's own retries).
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Uses } from "../deps.js";
import { logSummary, metrics } from "../log/index.js";
import { type QueueMessage, WriteThrottled } from "../model/index.js";
import { deferCopy, type IngestRecord } from "./defer.js";

/** Per process: at most one line a minute, with the counts since the last and a few organizations. */
const deferredLog = logSummary("ingest records deferred after throttled message writes");

/** The ingest deferrals of one batch as metrics: copies sent, copies SQS refused. */
export function publishIngestDeferred(deferred: number, notSent: number): void {
  const m = metrics();
  m.addMetric("IngestDeferred", MetricUnit.Count, deferred);
  m.addMetric("IngestDeferralNotSent", MetricUnit.Count, notSent);
  m.publishStoredMetrics();
}

/**
 * Sends a delayed copy of each record whose message write was refused for throughput
 * (defer.ts), but for those deferred MAX_DEFERRALS times already. Returns, by record index,
 * whether its copy is on the queue (the record is then acknowledged).
 */
export async function deferThrottled(
  deps: Uses<"taskQueue">,
  records: IngestRecord[],
  outcomes: (unknown | undefined)[],
): Promise<Map<number, boolean>> {
  const copies = new Map<number, QueueMessage>();
  outcomes.forEach((reason, i) => {
    const copy = reason instanceof WriteThrottled ? deferCopy(String(i), records[i]!, reason.org) : undefined;
    if (copy) copies.set(i, copy);
  });
  if (copies.size === 0) return new Map();
  const { sent } = await deps.taskQueue.send("ingest", [...copies.values()]);
  const done = new Set(sent);
  const notSent = copies.size - done.size;
  publishIngestDeferred(done.size, notSent);
  deferredLog.add(
    { deferred: done.size, not_sent: notSent },
    [...copies.values()].map((c) => c.tenant),
  );
  return new Map([...copies.keys()].map((i) => [i, done.has(String(i))]));
}
