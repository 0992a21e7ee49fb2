/**
 * Test events: a `webhook.test` event sent through the normal path (stored, fanned out,
 * signed and delivered like any other) to one endpoint or to all enabled ones, whatever
 * their subscriptions, so a customer can check a receiver end to end.
 */
import type { Uses } from "../deps.js";
import { requireEndpoint } from "../endpoints/index.js";
import { conflict, type EndpointRecord, ServiceError } from "../model/index.js";
import { exampleData } from "./example.js";
import { type IngestDeps, ingestEvent } from "./ingest.js";

export const TEST_EVENT_TYPE = "webhook.test";

export interface TestEventResult {
  message_id: string;
  /** Endpoints the test event was sent to. */
  endpoint_count: number;
}

/**
 * To one endpoint (404 unknown or another org's; 409 disabled) or, without an id, to every
 * enabled one. `type` (one endpoint only) sends a catalog type with sample data from its schema.
 */
export async function sendTestEvent(
  deps: IngestDeps & Uses<"endpointStore">,
  org: string,
  endpointId?: string,
  type?: string,
): Promise<TestEventResult> {
  let targets: EndpointRecord[];
  if (endpointId !== undefined) {
    // A fresh read, not the cache: testing an endpoint created a second ago must work.
    const ep = await requireEndpoint(deps, org, endpointId);
    if (ep.status === "disabled")
      throw conflict("endpoint_disabled", "the endpoint is disabled; enable it first");
    targets = [ep];
  } else {
    targets = (await deps.endpointStore.listAll(org)).filter((e) => e.status !== "disabled");
  }
  const res = await ingestEvent(
    deps,
    { org_id: org, ...(await testPayload(deps, org, endpointId, type)) },
    {
      only: targets,
    },
  );
  return { message_id: res.id, endpoint_count: targets.length };
}

async function testPayload(deps: Uses<"eventTypes">, org: string, endpointId?: string, type?: string) {
  if (type !== undefined && type !== TEST_EVENT_TYPE) {
    const def = (await deps.eventTypes.list(org)).find((t) => t.name === type);
    if (!def) throw new ServiceError(400, "unknown_event_type", `${type} is not in the event-type catalog`);
    return { type, data: exampleData(def) };
  }
  return {
    type: TEST_EVENT_TYPE,
    data: {
      message: "This is a test event: your endpoint received and can verify it.",
      ...(endpointId !== undefined ? { endpoint_id: endpointId } : {}),
    },
  };
}
