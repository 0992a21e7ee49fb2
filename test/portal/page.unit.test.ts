/** The portal's files: security headers, no inline script, and a bundle in step with its sources. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { portalPages } from "../../core/portal/pages.js";
import { buildPortalAssets, GENERATED } from "../../scripts/build-portal.js";

const app = portalPages({ portalFrameAncestors: "https://platform.example" });

describe("the portal page", () => {
  it("is a static shell with a CSP without inline script, frame-ancestors and no-referrer", async () => {
    const res = await app.request("/");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors https://platform.example");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await res.text();
    // Every script is an external file; no inline handlers or scripts.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toMatch(/<script type="module" src="\/portal\/app.js"><\/script>/);
    expect(html).not.toMatch(/\son\w+=/);
  });

  it("serves the script and the stylesheet with their types and the same headers", async () => {
    const js = await app.request("/app.js");
    expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(js.headers.get("content-security-policy")).toContain("default-src 'none'");
    const css = await app.request("/app.css");
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
  });

  it("never writes markup from data: no innerHTML, outerHTML, insertAdjacentHTML or eval in the bundle", async () => {
    const js = await (await app.request("/app.js")).text();
    for (const sink of [
      "innerHTML",
      "outerHTML",
      "insertAdjacentHTML",
      "document.write",
      "eval(",
      "new Function",
    ]) {
      expect(js, sink).not.toContain(sink);
    }
  });

  it("core/portal/assets.gen.ts is built from portal/ (run npm run build:portal)", async () => {
    expect(readFileSync(GENERATED, "utf8")).toBe(await buildPortalAssets());
  });
});
