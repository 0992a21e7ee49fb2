/**
 * One attempt of one task: sign for this moment, POST, and describe it as an AttemptRecord.
 */
import { addLogContext, inSpan } from "../log/index.js";
import {
  type AttemptRecord,
  childSpan,
  type DeliveryTask,
  type EndpointRecord,
  formatTraceparent,
  isAwsType,
  newId,
  parseTraceparent,
  type SendOutcome,
  type SpanAnnotations,
} from "../model/index.js";
import type { DeliveryContext } from "./context.js";
import { requestHeaders } from "./request.js";

export interface AttemptResult {
  outcome: SendOutcome;
  record: AttemptRecord;
  startedAt: Date;
}

export async function attemptDelivery(
  deps: DeliveryContext,
  endpoint: EndpointRecord,
  task: DeliveryTask,
  attempt: number,
  /** The lane's wait (the endpoint's own timeout, or the shared lane's shorter budget). */
  timeoutMs: number = endpoint.timeout_ms,
): Promise<AttemptResult> {
  const startedAt = deps.now();
  const span = attemptSpan(task);
  const traceparent = span && formatTraceparent(span.span);
  const send = () =>
    deps.destination.send({
      url: endpoint.url,
      body: task.body,
      headers: requestHeaders(endpoint, task, startedAt, deps.config.serviceName, {
        traceparent: endpoint.send_traceparent === true ? traceparent : undefined,
      }),
      timeoutMs,
      allowPrivateTargets: deps.config.allowPrivateTargets,
      ...awsTargetOf(endpoint, task),
    });
  // The attempt's span (docs/tracing.md "Spans"): the one whose id the receiver gets as parent.
  const outcome = span
    ? await inSpan(
        deps,
        { ...span, startedAt, annotations: attemptAnnotations(task, attempt) },
        send,
        (o) => ({
          ...(o.ok ? {} : { error: o.error ?? `HTTP ${o.status}` }),
          annotations: { ok: o.ok, ...(o.status !== null ? { status_code: o.status } : {}) },
        }),
      )
    : await send();
  const record: AttemptRecord = {
    id: newId("att", startedAt),
    org_id: task.org_id,
    msg_id: task.msg_id,
    endpoint_id: task.endpoint_id,
    event_type: task.event_type,
    attempt,
    timestamp: startedAt.toISOString(),
    success: outcome.ok,
    status_code: outcome.status,
    latency_ms: outcome.latencyMs,
    response_body: outcome.responseBody,
    error: outcome.error,
    trigger: task.trigger,
  };
  return { outcome, record, startedAt };
}

/**
 * This attempt's span of the event's trace (a new span id per attempt, a child of the
 * producer's span), added to the log context; none for a task written before tracing.
 */
function attemptSpan(task: Pick<DeliveryTask, "traceparent">) {
  const parent = parseTraceparent(task.traceparent);
  if (!parent) return undefined;
  const span = childSpan(parent);
  addLogContext({ span_id: span.spanId });
  return { name: "hookrelay.delivery.attempt" as const, span, parentId: parent.spanId };
}

/** What an attempt's span is searched by (X-Ray annotations). */
function attemptAnnotations(task: DeliveryTask, attempt: number): SpanAnnotations {
  return {
    trace_id: parseTraceparent(task.traceparent)!.traceId,
    org_id: task.org_id,
    msg_id: task.msg_id,
    endpoint_id: task.endpoint_id,
    event_type: task.event_type,
    attempt,
    trigger: task.trigger,
  };
}

/** An AWS endpoint's target for the destination (core/delivery/aws/); nothing for https. */
function awsTargetOf(endpoint: EndpointRecord, task: Pick<DeliveryTask, "event_type">) {
  if (!isAwsType(endpoint.type) || !endpoint.aws) return {};
  return {
    aws: { ...endpoint.aws, type: endpoint.type, endpoint_id: endpoint.id, event_type: task.event_type },
  };
}
