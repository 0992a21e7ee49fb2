/**
 * A type-scoped portal session never reaches another type's data (issue #23, item 17): one
 * probe per route of the capability table (a route added to it without a probe fails here),
 * each trying to reach an event of a type outside the session's scope, with its attempts
 * (and the receiver's response body) and its failed delivery.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { listedRoutes } from "../../core/portal/capabilities.js";
import { callApp, createTestOrg, type TestOrg, type TestResponse } from "../support/api.js";
import { useHarness } from "../support/delivery.js";
import type { Receiver } from "../support/receiver.js";
import { runTaskToEnd } from "../support/tasks.js";
import { waitFor } from "../support/wait.js";

const h = useHarness();
const IN = "telephony.complete";
const OUT = "chat.message.completed";
const SECRET_BODY = "out-of-scope-response-body";

let org: TestOrg;
let receiver: Receiver;
let ep: string;
let inMsg: string;
let outMsg: string;
let outAttempt: string;
let token: string;

const publish = async (type: string) => {
  const res = await org.request("POST", "/v1/events", { type, data: { n: 1 } });
  expect(res.status, res.text).toBe(202);
  return res.body.id as string;
};

beforeAll(async () => {
  org = await createTestOrg(h.stack);
  receiver = await h.receiver({
    plan: (req) => ({ status: 500, body: JSON.parse(req.body).type === OUT ? SECRET_BODY : "in scope" }),
  });
  const created = await org.request("POST", "/v1/webhook-endpoints", { url: receiver.url, max_retries: 0 });
  expect(created.status, created.text).toBe(201);
  ep = created.body.id;
  inMsg = await publish(IN);
  outMsg = await publish(OUT);
  await waitFor(async () => {
    const attempts = await org.request("GET", `/v1/events/${outMsg}/attempts`);
    const failed = await org.request("GET", `/v1/events/${inMsg}`);
    outAttempt = attempts.body.data?.[0]?.id;
    return outAttempt !== undefined && failed.body.deliveries?.[0]?.status === "failed";
  });
  await waitFor(
    async () => (await org.request("GET", `/v1/events/${outMsg}`)).body.deliveries?.[0]?.status === "failed",
  );
  const s = await org.request("POST", "/v1/portal-sessions", {
    event_types: [IN],
    capabilities: ["view", "manage_endpoints", "reveal_secret", "rotate_secret", "replay", "send_test"],
  });
  expect(s.status, s.text).toBe(201);
  token = s.body.token;
});

const as = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  callApp(org.app, method, path, body, { authorization: `Bearer ${token}`, ...headers });

/** Nothing of the out-of-scope event in the answer. */
const leaksNothing = (res: TestResponse) => {
  expect(res.status, res.text).toBeLessThan(500);
  expect(res.text).not.toContain(outMsg);
  expect(res.text).not.toContain(SECRET_BODY);
};
const refused = (status: number) => (res: TestResponse) => {
  expect(res.status, res.text).toBe(status);
  leaksNothing(res);
};

/** A replay the organization started with its API key (of every type), canceled: it sends nothing. */
async function orgTask(): Promise<string> {
  const res = await org.request("POST", `/v1/webhook-endpoints/${ep}/replay`, {
    since: new Date(0).toISOString(),
  });
  expect(res.status, res.text).toBe(202);
  expect((await org.request("DELETE", `/v1/tasks/${res.body.task_id}`)).status).toBe(200);
  return res.body.task_id;
}

type Probe = () => Promise<void>;
const probe =
  (method: string, path: () => string, check: (res: TestResponse) => void, body?: () => unknown): Probe =>
  async () =>
    check(await as(method, path(), body?.()));

/** Every route a session may call, each with its attempt to reach the other type. */
const PROBES: Record<string, Probe> = {
  "GET /v1/webhook-endpoints": probe("GET", () => "/v1/webhook-endpoints", leaksNothing),
  "GET /v1/webhook-endpoints/:id": probe("GET", () => `/v1/webhook-endpoints/${ep}`, leaksNothing),
  "GET /v1/webhook-endpoints/:id/attempts": async () => {
    const res = await as("GET", `/v1/webhook-endpoints/${ep}/attempts`);
    leaksNothing(res);
    expect(res.body.data.map((a: { event_type: string }) => a.event_type)).toEqual([IN]);
  },
  "GET /v1/webhook-endpoints/:id/stats": async () => {
    const res = await as("GET", `/v1/webhook-endpoints/${ep}/stats`);
    leaksNothing(res);
    const total = res.body.buckets.reduce((n: number, b: { attempts: number }) => n + b.attempts, 0);
    expect(total).toBe(1);
  },
  "GET /v1/event-types": probe(
    "GET",
    () => "/v1/event-types",
    (res) => {
      expect(res.body.data.map((t: { name: string }) => t.name)).not.toContain(OUT);
    },
  ),
  "GET /v1/event-types/:name": probe("GET", () => `/v1/event-types/${OUT}`, refused(404)),
  "GET /v1/events": probe("GET", () => "/v1/events", leaksNothing),
  "GET /v1/events/:id": probe("GET", () => `/v1/events/${outMsg}`, refused(404)),
  "GET /v1/events/:id/attempts": probe("GET", () => `/v1/events/${outMsg}/attempts`, refused(404)),
  "GET /v1/events/:id/endpoints/:endpoint_id/attempts/:attempt_id": probe(
    "GET",
    () => `/v1/events/${outMsg}/endpoints/${ep}/attempts/${outAttempt}`,
    refused(404),
  ),
  "GET /v1/portal-sessions/current": probe(
    "GET",
    () => "/v1/portal-sessions/current",
    (res) => {
      expect(res.body.event_types).toEqual([IN]);
    },
  ),
  "GET /v1/retention": probe(
    "GET",
    () => "/v1/retention",
    (res) => {
      expect(res.status, res.text).toBe(200);
      leaksNothing(res);
      expect(res.text).not.toContain(OUT);
    },
  ),
  "POST /v1/webhook-endpoints": probe(
    "POST",
    () => "/v1/webhook-endpoints",
    refused(400),
    () => ({
      url: receiver.url,
      event_types: [OUT],
    }),
  ),
  "PATCH /v1/webhook-endpoints/:id": probe(
    "PATCH",
    () => `/v1/webhook-endpoints/${ep}`,
    refused(400),
    () => ({
      event_types: [OUT],
    }),
  ),
  // Endpoints carry no event data: these reach only the endpoint itself.
  "DELETE /v1/webhook-endpoints/:id": async () => {},
  "GET /v1/webhook-endpoints/:id/secret": probe(
    "GET",
    () => `/v1/webhook-endpoints/${ep}/secret`,
    leaksNothing,
  ),
  "POST /v1/webhook-endpoints/:id/rotate-secret": async () => {},
  "POST /v1/events/:id/endpoints/:endpoint_id/resend": probe(
    "POST",
    () => `/v1/events/${outMsg}/endpoints/${ep}/resend`,
    refused(404),
  ),
  "POST /v1/webhook-endpoints/:id/recover": async () => {
    const before = receiver.requests.length;
    const res = await as("POST", `/v1/webhook-endpoints/${ep}/recover`, { since: new Date(0).toISOString() });
    expect(res.status, res.text).toBe(202);
    // The session follows its own task, which is scoped to its types.
    const seen = await as("GET", `/v1/tasks/${res.body.task_id}`);
    expect(seen.status, seen.text).toBe(200);
    expect(seen.body.params.event_types).toEqual([IN]);
    expect((await runTaskToEnd(h.deps, org, res.body.task_id)).done).toBe(1);
    await receiver.waitForRequests(before + 1);
    const resent = receiver.requests.slice(before).map((r) => JSON.parse(r.body).id);
    expect(resent).toEqual([inMsg]);
    // The other type's delivery is still failed, and still recoverable by the organization.
    const other = await org.request("GET", `/v1/events/${outMsg}`);
    expect(other.body.deliveries[0].status).toBe("failed");
  },
  "POST /v1/webhook-endpoints/:id/replay": async () => {
    const res = await as("POST", `/v1/webhook-endpoints/${ep}/replay`, {
      since: new Date(0).toISOString(),
      event_types: [OUT],
    });
    expect(res.status, res.text).toBe(202);
    // The other type is dropped from the task: it replays nothing.
    const task = await runTaskToEnd(h.deps, org, res.body.task_id);
    expect(task.params.event_types).toEqual([]);
    expect(task.done).toBe(0);
  },
  // An organization's task (every type) is not the session's: 404, and left out of the list.
  "GET /v1/tasks": async () => {
    const id = await orgTask();
    const res = await as("GET", "/v1/tasks");
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.map((t: { id: string }) => t.id)).not.toContain(id);
  },
  "GET /v1/tasks/:id": async () => refused(404)(await as("GET", `/v1/tasks/${await orgTask()}`)),
  "POST /v1/webhook-endpoints/:id/test": async () => {
    for (const contentType of [
      "application/json",
      "Application/JSON",
      "APPLICATION/JSON; CHARSET=UTF-8",
      "application/json; charset=utf-8",
      "application/vnd.x+json",
      "text/plain",
    ]) {
      const res = await as("POST", `/v1/webhook-endpoints/${ep}/test`, JSON.stringify({ event_type: OUT }), {
        "content-type": contentType,
      });
      expect([400, 415], `${contentType}: ${res.status} ${res.text}`).toContain(res.status);
    }
  },
};

describe("a type-scoped portal session", () => {
  it("has a probe for every route sessions may call", () => {
    expect(Object.keys(PROBES).sort()).toEqual(listedRoutes().sort());
  });

  for (const [route, run] of Object.entries(PROBES)) {
    it(`${route}: reaches nothing of another type`, run);
  }
});
