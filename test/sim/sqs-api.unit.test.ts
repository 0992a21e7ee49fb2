/**
 * The SQS model's API (sim/aws/sqs-api.ts) keeps what the producers' publish functions send
 * (packages/client/src/publish.ts): the organization as each message's `MessageGroupId`, from
 * SendMessage (publishEvent) as from SendMessageBatch (publishEvents), so the ingest queue is a
 * fair queue per organization (sim/aws/sqs-fair.ts). The simulation's publishers (sim/tenants.ts,
 * sim/calibration/publisher.ts) send as they do. On the virtual clock.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { publishEvent, publishEvents } from "../../packages/client/src/publish.js";
import { groupIdOf } from "../../packages/client/src/sqs/batch.js";
import { publish } from "../../sim/tenants.js";
import { QUEUE, World } from "../../sim/world.js";

/** The ingest queue's messages: whose (the body's organization) and their group. */
const ingested = (world: World) =>
  [...world.sqs.queues.get(QUEUE.ingest)!.messages()].map((m) => ({
    org: (JSON.parse(m.body) as { org_id: string }).org_id,
    groupId: m.groupId,
  }));

describe("the SQS model's API and the simulation's publishers", () => {
  it("SendMessage and SendMessageBatch keep the producer's MessageGroupId", async () => {
    const world = new World({ seed: 1 });
    const sqs = world.sqs.client as unknown as SQSClient;
    const event = (org_id: string) => ({ org_id, type: "sim.event", data: {} });
    await world.engine.settle(publishEvent(sqs, QUEUE.ingest, event("org_one")));
    await world.engine.settle(publishEvents(sqs, QUEUE.ingest, [event("org_two"), event("org three")]));
    expect(ingested(world)).toEqual([
      { org: "org_one", groupId: "org_one" },
      { org: "org_two", groupId: "org_two" },
      { org: "org three", groupId: groupIdOf("org three") },
    ]);
  });

  it("the scenarios' publisher tags each event with its organization, as producers do", async () => {
    const world = new World({ seed: 1 });
    const group = { name: "g", tenants: 3, endpointsPerTenant: 1, ratePerS: 30, k: 1, fanout: 1 } as const;
    expect(publish(world, [group], 1, 0)).toBe(30);
    await world.engine.run(999);
    const got = ingested(world);
    expect(got).toHaveLength(30);
    expect(new Set(got.map((m) => m.org))).toEqual(new Set(["org_g_0", "org_g_1", "org_g_2"]));
    for (const m of got) expect(m.groupId).toBe(m.org);
  });
});
