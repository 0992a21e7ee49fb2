/**
 * `npm start` keeps what it acknowledged across a restart: a retry pending in the delivery
 * queue (an in-flight message waiting out its visibility timeout) is persisted by fauxqs
 * under `.data/sqs/` and delivered after the stack comes back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type StartedService, startService } from "../support/npm-start.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-restart-"));
let service: StartedService | undefined;
let receiver: Receiver | undefined;

afterAll(async () => {
  await service?.close();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function api(s: StartedService, path: string, body?: unknown) {
  return fetch(`${s.url}/v1${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${s.key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

interface EventDeliveries {
  deliveries: Array<{ status: string; attempts: number }>;
}

describe("npm start across a restart", () => {
  it("delivers a retry that was pending when the stack stopped", async () => {
    // Every attempt fails until the stack has restarted, so whenever it stops a retry is pending.
    receiver = await startReceiver({ fallback: { status: 500 } });
    const env = { DATA_DIR: dataDir, RETRY_SCHEDULE: "2" };
    service = await startService(env);
    expect(
      (await api(service, "/event-types", { name: "call.ended", description: "A call ended" })).status,
    ).toBe(201);
    expect((await api(service, "/webhook-endpoints", { url: receiver.url })).status).toBe(201);
    const published = await api(service, "/events", { type: "call.ended", data: { call: 1 } });
    expect(published.status).toBe(202);
    const { id } = (await published.json()) as { id: string };

    const first = service;
    await waitFor(
      async () => {
        const event = (await (await api(first, `/events/${id}`)).json()) as EventDeliveries;
        const d = event.deliveries[0];
        return d !== undefined && d.attempts >= 1 && d.status === "retrying";
      },
      { what: "a failed attempt and a retry scheduled" },
    );
    expect(await service.stop()).toBe(0);
    const attemptsBefore = receiver.requests.length;

    // Back up: fauxqs restores the in-flight message; it becomes visible and is delivered.
    receiver.setPlan([], { status: 204 });
    service = await startService(env);
    const second = service;
    const delivered = await waitFor(
      async () => {
        const event = (await (await api(second, `/events/${id}`)).json()) as EventDeliveries;
        return event.deliveries[0]?.status === "succeeded" && event.deliveries[0];
      },
      { timeoutMs: 60_000, what: "the retry delivered after the restart" },
    );
    expect(delivered.attempts).toBe(attemptsBefore + 1);
    expect(JSON.parse(receiver.requests.at(-1)!.body)).toMatchObject({ type: "call.ended" });
    expect(await service.stop()).toBe(0);
  }, 300_000);
});
