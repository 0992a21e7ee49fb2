/**
 * The portal in real Chromium shows an event's retention (when its payload is deleted) and,
 * once the payload is erased (#28 item 2, docs/data.md), neither its event page nor its attempt
 * page shows anything of it: not the payload, not the request rebuilt from it, not the
 * receiver's response body stored with the attempt.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { portalHarness } from "../support/portal-harness.js";
import { waitFor } from "../support/wait.js";

const MARK = `mark-${randomBytes(6).toString("hex")}`;
// Echoes the body it got: the attempt log stores the marker in the response body.
const h = portalHarness("erased", { plan: (req) => ({ status: 200, body: req.body }) });
const { api } = h;
const WAIT = { timeout: 30_000 };

describe("portal and erasure", () => {
  it("shows the retention, then nothing of an erased payload", { timeout: 180_000 }, async () => {
    const ep = await api("POST", "/v1/webhook-endpoints", { url: h.receiver.url });
    expect(ep.status).toBe(201);
    const pub = await api("POST", "/v1/events", {
      type: "telephony.complete",
      subject: "user-7",
      data: { marker: MARK },
    });
    const id = pub.body.id as string;
    await waitFor(
      async () => (await api("GET", `/v1/events/${id}`)).body.deliveries?.[0]?.status === "succeeded",
      { timeoutMs: 60_000 },
    );
    const attempt = (await api("GET", `/v1/events/${id}/attempts`)).body.data[0] as { id: string };
    const s = await api("POST", "/v1/portal-sessions", {});
    expect(s.status).toBe(201);
    const page = await h.browser.newPage();
    const url = s.body.url as string;

    await page.goto(`${url}&page=/messages/${id}`);
    await page.getByTestId("expires").waitFor(WAIT);
    expect(await page.getByTestId("expires").textContent()).toMatch(/^Kept until /);
    expect(await page.content()).toContain(MARK);

    const erased = await api("DELETE", `/v1/events/${id}/payload`);
    expect(erased.status).toBe(200);
    await page.goto("about:blank");
    await page.goto(`${url}&page=/messages/${id}`);
    await page.getByText("(the payload was erased)").waitFor(WAIT);
    expect(await page.content()).not.toContain(MARK);

    await page.goto("about:blank");
    await page.goto(`${url}&page=/messages/${id}/endpoints/${ep.body.id}/attempts/${attempt.id}`);
    await page.getByTestId("request-body").waitFor(WAIT);
    expect(await page.getByTestId("request-body").textContent()).toBe("(the payload was erased)");
    expect(await page.getByTestId("response-body").textContent()).toBe("(empty)");
    expect(await page.content()).not.toContain(MARK);
    await page.close();
  });
});
