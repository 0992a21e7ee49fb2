/**
 * One attempt of one task: sign for this moment, POST, and describe it as an AttemptRecord.
 */
import type { Deps } from "../deps.js";
import {
  type AttemptRecord,
  type DeliveryTask,
  type EndpointRecord,
  isAwsType,
  newId,
  type SendOutcome,
} from "../model/index.js";
import { requestHeaders } from "./request.js";

export interface AttemptResult {
  outcome: SendOutcome;
  record: AttemptRecord;
  startedAt: Date;
}

export async function attemptDelivery(
  deps: Deps,
  endpoint: EndpointRecord,
  task: DeliveryTask,
  attempt: number,
  /** The lane's wait (the endpoint's own timeout, or the shared lane's shorter budget). */
  timeoutMs: number = endpoint.timeout_ms,
): Promise<AttemptResult> {
  const startedAt = deps.now();
  const outcome = await deps.destination.send({
    url: endpoint.url,
    body: task.body,
    headers: requestHeaders(endpoint, task, startedAt, deps.config.serviceName),
    timeoutMs,
    allowPrivateTargets: deps.config.allowPrivateTargets,
    ...awsTargetOf(endpoint, task),
  });
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

/** An AWS endpoint's target for the destination (core/delivery/aws/); nothing for https. */
function awsTargetOf(endpoint: EndpointRecord, task: Pick<DeliveryTask, "event_type">) {
  if (!isAwsType(endpoint.type) || !endpoint.aws) return {};
  return {
    aws: { ...endpoint.aws, type: endpoint.type, endpoint_id: endpoint.id, event_type: task.event_type },
  };
}
