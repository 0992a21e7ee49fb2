/**
 * The customer portal's three files, served by the API function itself (no CDN, no extra
 * infrastructure): a static HTML shell, one stylesheet and one script module, all built
 * into core/portal/assets.gen.ts by `npm run build:portal`.
 *
 * The headers do the security work: a CSP without inline script (the tenant data the
 * portal shows can never run), frame-ancestors from the deployment's allow-list, and
 * Referrer-Policy no-referrer so the token in the URL fragment never leaves the page.
 */
import { Hono } from "hono";
import type { Config } from "../config/index.js";
import { portalCss, portalJs } from "./assets.gen.js";

const SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Webhooks</title>
<link rel="stylesheet" href="/portal/app.css">
<script type="module" src="/portal/app.js"></script>
</head>
<body>
<main id="app" aria-live="polite"><p class="muted">Loading…</p></main>
<noscript>This page needs JavaScript.</noscript>
</body>
</html>
`;

export function securityHeaders(config: Pick<Config, "portalFrameAncestors">): Record<string, string> {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    // Logos come from the embedding platform's own host (a URL parameter).
    "img-src 'self' https: data:",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${config.portalFrameAncestors}`,
  ].join("; ");
  return {
    "content-security-policy": csp,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cross-origin-opener-policy": "same-origin",
  };
}

export function portalPages(config: Pick<Config, "portalFrameAncestors">) {
  const app = new Hono();
  const headers = securityHeaders(config);
  const send = (body: string, type: string, cache: string) =>
    new Response(body, { headers: { ...headers, "content-type": type, "cache-control": cache } });
  // The shell is tiny and names unversioned assets: no caching keeps a deploy atomic.
  app.get("/", () => send(SHELL, "text/html; charset=utf-8", "no-store"));
  app.get("/app.js", () => send(portalJs, "text/javascript; charset=utf-8", "no-cache"));
  app.get("/app.css", () => send(portalCss, "text/css; charset=utf-8", "no-cache"));
  return app;
}
