/**
 * The portal's endpoint page in real Chromium shows when the endpoint was last verified (a test
 * event answered with a 2xx) and when its last error happened, both from the API's view
 * (`last_verified_at`, `last_error_at`), and shows the error's text as text: markup in it is
 * never parsed.
 */
import { describe, expect, it } from "vitest";
import { portalHarness } from "../support/portal-harness.js";
import { waitFor } from "../support/wait.js";

const h = portalHarness("history");
const { api } = h;
const WAIT = { timeout: 30_000 };
const MARKUP = `<img src=x data-injected="1"> HTTP 500`;

const view = async (id: string) => (await api("GET", `/v1/webhook-endpoints/${id}`)).body;

describe("portal: an endpoint's verification and last error", () => {
  it("shows last_verified_at and last_error_at, and the error as text", { timeout: 180_000 }, async () => {
    const ep = await api("POST", "/v1/webhook-endpoints", { url: h.receiver.url, max_retries: 0 });
    expect(ep.status).toBe(201);
    const id = ep.body.id as string;

    // Verified: a test event answered with a 2xx.
    expect((await api("POST", `/v1/webhook-endpoints/${id}/test`, {})).status).toBe(202);
    const verified = await waitFor(async () => (await view(id)).last_verified_at ?? undefined, {
      timeoutMs: 60_000,
      what: "last_verified_at",
    });
    // Then a failure: the receiver answers 500.
    h.receiver.setPlan([], { status: 500 });
    expect((await api("POST", "/v1/events", { type: "telephony.complete", data: {} })).status).toBe(202);
    const failedAt = await waitFor(async () => (await view(id)).last_error_at ?? undefined, {
      timeoutMs: 60_000,
      what: "last_error_at",
    });
    // The error's text as a receiver-influenced string with markup in it (written to the table).
    await h.stack.deps.endpointStore.patch(h.orgId, id, { last_error: MARKUP });

    const s = await api("POST", "/v1/portal-sessions", {});
    expect(s.status).toBe(201);
    const page = await h.browser.newPage();
    await page.goto(`${s.body.url as string}&page=/endpoints/${id}`);
    await page.getByTestId("last-verified").waitFor(WAIT);
    const shown = (iso: string) =>
      page.evaluate(
        (t) =>
          new Date(t).toLocaleString(undefined, {
            dateStyle: "medium",
            timeStyle: "medium",
          }),
        iso,
      );
    expect(await page.getByTestId("last-verified").textContent()).toBe(await shown(verified as string));
    await page.getByTestId("last-error").waitFor(WAIT);
    expect(await page.getByTestId("last-error").textContent()).toBe(MARKUP);
    expect(await page.getByTestId("last-error-at").textContent()).toBe(
      ` (${await shown(failedAt as string)})`,
    );
    expect(await page.locator("img[data-injected]").count()).toBe(0);
    await page.close();
  });
});
