/**
 * Shared setup of the delivery integration tests: an isolated stack, the delivery handler
 * driven by the Lambda SQS event-source emulation, and fixtures written straight to the
 * table (no dependency on the endpoints or ingest services).
 */
import { type Message, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { createDeliveryHandler, type DeliveryHandlerOptions } from "../../core/delivery/handler.js";
import { createMaintenanceHandler } from "../../core/delivery/maintenance.js";
import type { Deps } from "../../core/deps.js";
import type { AttemptRecord, DeliveryRecord } from "../../core/model/delivery.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import type { DeliveryTask } from "../../core/model/task.js";
import { attemptsOfEndpoint } from "../../core/store/attempts.js";
import { getEndpoint } from "../../core/store/endpoints.js";
import { keys } from "../../core/store/keys.js";
import { fireDueSchedules } from "../../core/store/schedules.js";
import { type EventSource, type EventSourceOptions, startEventSource } from "../../local/event-source.js";
import { deliveryOf, deliveryTaskFor, enqueue, waitForDeliveryStatus } from "../support/deliveries.js";
import { newSecret, putEndpointRecord } from "../support/endpoints.js";
import { type Receiver, type ReceiverOptions, startReceiver } from "../support/receiver.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

export { newSecret };

export interface Harness {
  stack: TestStack;
  deps: Deps;
  source: EventSource;
  eventSource: EventSourceOptions;
  stop(): Promise<void>;
}

/** Defaults: 1 s retries, endpoint cache off (tests change endpoints between attempts). */
export async function startHarness(
  env: Record<string, string> = {},
  options: DeliveryHandlerOptions = {},
): Promise<Harness> {
  const stack = await createTestStack({ RETRY_SCHEDULE: "1", ENDPOINT_CACHE_SECONDS: "0", ...env });
  const deps = stack.deps;
  const eventSource: EventSourceOptions = {
    sqs: deps.sqs,
    queueUrl: stack.config.queues.delivery,
    queueArn: stack.env.DELIVERY_QUEUE_ARN!,
    handler: createDeliveryHandler(deps, options),
    batchSize: 10,
    concurrency: 2,
    waitTimeSeconds: 1,
  };
  const source = startEventSource(eventSource);
  // The slow lane (endpoints whose attempts outlast the shared lane's budget): its own poller.
  const slow = startEventSource({
    ...eventSource,
    queueUrl: stack.config.queues.deliverySlow,
    queueArn: stack.env.DELIVERY_SLOW_QUEUE_ARN!,
    handler: createDeliveryHandler(deps, { ...options, lane: "slow" }),
  });
  const stop = async () => {
    await Promise.all([source.stop(), slow.stop()]);
  };
  return { stack, deps, source, eventSource, stop };
}

/** A harness the test file's hooks start and stop, and the receivers its tests start. */
export interface FileHarness extends Harness {
  /** A receiver closed with the harness after the file's tests. */
  receiver(opts?: ReceiverOptions): Promise<Receiver>;
}

/**
 * One harness for a test file: started in `beforeAll`, stopped in `afterAll` with every
 * receiver made by `receiver()`. Its fields are there once `beforeAll` has run.
 */
export function useHarness(
  env: Record<string, string> = {},
  options: DeliveryHandlerOptions = {},
): FileHarness {
  const receivers: Receiver[] = [];
  const h = {
    async receiver(opts?: ReceiverOptions) {
      const r = await startReceiver(opts);
      receivers.push(r);
      return r;
    },
  } as FileHarness;
  beforeAll(async () => {
    Object.assign(h, await startHarness(env, options));
  });
  afterAll(async () => {
    await h.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });
  return h;
}

export const putEndpoint = (deps: Deps, overrides: Partial<EndpointRecord> & { url: string }) =>
  putEndpointRecord(deps, { org_id: uniqueOrg(), max_retries: 5, timeout_ms: 3000, ...overrides });

export async function updateEndpointFields(deps: Deps, ep: EndpointRecord, fields: Partial<EndpointRecord>) {
  const names = Object.keys(fields);
  await deps.db.doc.send(
    new UpdateCommand({
      TableName: deps.db.table,
      Key: keys.endpoint(ep.org_id, ep.id),
      UpdateExpression: `SET ${names.map((_, i) => `#n${i} = :v${i}`).join(", ")}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(
        names.map((n, i) => [`:v${i}`, fields[n as keyof EndpointRecord]]),
      ),
    }),
  );
}

export async function deleteEndpointItem(deps: Deps, ep: EndpointRecord) {
  await deps.db.doc.send(
    new DeleteCommand({ TableName: deps.db.table, Key: keys.endpoint(ep.org_id, ep.id) }),
  );
}

export const taskFor = (
  ep: Pick<EndpointRecord, "org_id" | "id">,
  data: Record<string, unknown> = { call_id: "c1" },
) => deliveryTaskFor(ep, "call.ended", data);

/** Stores the message item a task was made from (what resend and recover read). */
export async function putMessageOf(deps: Deps, t: DeliveryTask, targets: string[] = [t.endpoint_id]) {
  const body = JSON.parse(t.body) as { data: Record<string, unknown> };
  await deps.db.doc.send(
    new PutCommand({
      TableName: deps.db.table,
      Item: {
        ...keys.message(t.org_id, t.msg_id),
        org_id: t.org_id,
        id: t.msg_id,
        type: t.event_type,
        agent_id: null,
        data: body.data,
        producer_id: null,
        created_at: t.created_at,
        deliver_at: null,
        targets,
        sent: targets,
        fanout_at: t.created_at,
      },
    }),
  );
}

export { deliveryOf, enqueue };

/** Waits until the delivery record reaches one of `statuses`. */
export const waitForDelivery = (deps: Deps, t: DeliveryTask, ...statuses: DeliveryRecord["status"][]) =>
  waitForDeliveryStatus(deps, t, statuses, { timeoutMs: 30_000 });

/** Attempts of the endpoint, oldest first. */
export async function attemptsOf(
  deps: Deps,
  ep: Pick<EndpointRecord, "org_id" | "id">,
): Promise<AttemptRecord[]> {
  const page = await attemptsOfEndpoint(deps.db, ep.org_id, ep.id, { limit: 100 });
  return page.attempts.reverse();
}

export const endpointNow = (deps: Deps, ep: EndpointRecord) => getEndpoint(deps.db, ep.org_id, ep.id);

/** Raw item read (e.g. a delivery's GSI1 keys). */
export async function rawItem(deps: Deps, key: { pk: string; sk: string }) {
  return (await deps.db.doc.send(new GetCommand({ TableName: deps.db.table, Key: key }))).Item;
}

/** Reads DLQ messages until one matches (others are left invisible for a short while). */
export async function dlqMessageFor(deps: Deps, t: DeliveryTask): Promise<Message> {
  return waitFor(
    async () => {
      const res = await deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: deps.config.queues.deliveryDlq,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 1,
          MessageAttributeNames: ["All"],
        }),
      );
      return (res.Messages ?? []).find((m) => (m.Body ?? "").includes(t.msg_id));
    },
    { what: `DLQ message for ${t.msg_id}`, timeoutMs: 30_000 },
  );
}

/** Local scheduler entries whose body mentions `text` (e.g. an endpoint id). */
export async function scheduleEntriesWith(deps: Deps, text: string) {
  const res = await deps.db.doc.send(
    new QueryCommand({
      TableName: deps.db.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": "SCHEDULE" },
    }),
  );
  return (res.Items ?? [])
    .filter((i) => String(i.body).includes(text))
    .map((i) => ({
      name: String(i.sk),
      target: String(i.target),
      body: String(i.body),
      dueAt: String(i.due_at),
    }));
}

/** Fires every scheduler entry due by `at` (maintenance runs in-process, as locally). */
export function fireSchedules(deps: Deps, at: Date) {
  const maintenance = createMaintenanceHandler(deps);
  return fireDueSchedules(deps.db, deps.sqs, deps.config, at, async (e) => {
    await maintenance(e);
  });
}
