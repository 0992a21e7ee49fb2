/**
 * The endpoint page's Replay card in real Chromium against the local stack: a window and a
 * status start a replay task (POST /v1/webhook-endpoints/{id}/replay), its progress shows in the
 * card until it ends, the card links to the Tasks page, where its row has succeeded; the
 * receiver gets the failed events again. A window the API refuses shows its error and starts
 * nothing; so does an empty "since", in the Replay card and the Recover card (it threw a
 * RangeError before).
 */
import { describe, expect, it } from "vitest";
import { screenshot } from "../support/browser.js";
import { portalHarness } from "../support/portal-harness.js";
import { waitFor } from "../support/wait.js";

// The first two requests fail (two events dead with max_retries 0), later ones succeed.
const h = portalHarness("replay", { plan: (_req, i) => (i < 2 ? { status: 500 } : { status: 200 }) });
const { api } = h;
const WAIT = { timeout: 30_000 };

describe("portal: Replay", () => {
  it("replays an endpoint's failed deliveries as a task and links to the Tasks page", {
    timeout: 180_000,
  }, async () => {
    const ep = await api("POST", "/v1/webhook-endpoints", { url: h.receiver.url, max_retries: 0 });
    expect(ep.status).toBe(201);
    const ids: string[] = [];
    for (const n of [1, 2])
      ids.push((await api("POST", "/v1/events", { type: "call.graded", data: { n } })).body.id);
    for (const id of ids)
      await waitFor(
        async () => (await api("GET", `/v1/events/${id}`)).body.deliveries?.[0]?.status === "failed",
        {
          what: `${id} failed`,
          timeoutMs: 60_000,
        },
      );
    const s = await api("POST", "/v1/portal-sessions", {});
    expect(s.status).toBe(201);
    const page = await h.browser.newPage();
    await page.goto(`${s.body.url}&page=/endpoints/${ep.body.id}`);
    await page.getByRole("heading", { name: "Replay" }).waitFor(WAIT);

    // Until before since: the API's 400, shown; no task.
    await page.getByLabel("Replay until").fill("2020-01-01T00:00");
    await page.getByRole("button", { name: "Replay", exact: true }).click();
    await expect
      .poll(() => page.getByTestId("replay-result").textContent(), WAIT)
      .toMatch(/since must be before until/);
    expect((await api("GET", "/v1/tasks")).body.data).toEqual([]);

    await page.getByLabel("Replay until").fill("");
    await page.getByLabel("Replay which deliveries").selectOption("failed");
    await page.getByRole("button", { name: "Replay", exact: true }).click();
    await expect
      .poll(() => page.getByTestId("replay-result").textContent(), WAIT)
      .toMatch(/^2 deliveries replayed\./);
    expect(await page.getByTestId("replay-result").locator("progress").count()).toBe(1);
    await waitFor(() => h.receiver.requests.length >= 4 || undefined, {
      what: "the replayed deliveries",
      timeoutMs: 30_000,
    });
    const replayed = h.receiver.requests.slice(2).map((r) => r.headers["webhook-id"]);
    expect(replayed.sort()).toEqual([...ids].sort());
    await screenshot(page, "replay-card");

    const tasks = (await api("GET", "/v1/tasks")).body.data as {
      kind: string;
      params: Record<string, unknown>;
    }[];
    expect(tasks).toEqual([
      expect.objectContaining({
        kind: "replay",
        params: expect.objectContaining({ status: "failed", endpoint_id: ep.body.id }),
      }),
    ]);
    await page.getByRole("link", { name: "See it on the Tasks page" }).click();
    await page.getByRole("heading", { name: "Tasks" }).waitFor(WAIT);
    await expect
      .poll(() => page.locator("tr[data-task]").first().textContent(), WAIT)
      .toMatch(/replay.*succeeded.*2 of 2 handled/);
    await page.close();
  });

  it("an empty 'since' shows a notice in the Replay and Recover cards and starts nothing", {
    timeout: 120_000,
  }, async () => {
    const ep = await api("POST", "/v1/webhook-endpoints", { url: h.receiver.url });
    expect(ep.status).toBe(201);
    const before = (await api("GET", "/v1/tasks")).body.data.length;
    const s = await api("POST", "/v1/portal-sessions", {});
    const page = await h.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(`${s.body.url}&page=/endpoints/${ep.body.id}`);
    await page.getByRole("heading", { name: "Replay" }).waitFor(WAIT);

    await page.getByLabel("Replay since").fill("");
    await page.getByRole("button", { name: "Replay", exact: true }).click();
    await expect
      .poll(() => page.getByTestId("replay-result").textContent(), WAIT)
      .toMatch(/Choose a date and time for "Replay since"/);
    await page.getByLabel("Since", { exact: true }).fill("");
    await page.getByRole("button", { name: "Recover failed messages" }).click();
    await expect
      .poll(() => page.getByTestId("recover-result").textContent(), WAIT)
      .toMatch(/Choose a date and time for "Since"/);
    expect(errors).toEqual([]);
    expect((await api("GET", "/v1/tasks")).body.data).toHaveLength(before);
    await page.close();
  });
});
