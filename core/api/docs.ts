/**
 * `/docs`: the API reference, rendered by swagger-ui from the `swagger-ui-dist` package (pinned
 * in package.json), with no network beyond this service: the page, its script and stylesheet
 * and `/openapi.json` are all served here, so it renders offline and behind firewalls that block
 * public CDNs.
 *
 * The assets are read from the installed package at request time, not bundled: the script is
 * 1.7 MB, more than the whole API bundle, and only `/docs` needs it. On Lambda the package is
 * installed next to the bundle (`nodejs.install` in infra/api.ts); the first `/docs` request
 * reads the files once and later ones are served from memory. Cold starts of every other route
 * are unaffected.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono } from "hono";

const assets: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

// The init script is a file of its own, not inline: the page's CSP allows only this origin.
const init = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n`;

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hookrelay API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

const csp = [
  "default-src 'none'",
  "script-src 'self'",
  // swagger-ui sets inline styles on its elements.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const cache = new Map<string, Buffer>();

async function asset(name: string): Promise<Buffer> {
  let body = cache.get(name);
  if (!body) {
    const dir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
    body = await readFile(join(dir, name));
    cache.set(name, body);
  }
  return body;
}

/** GET /docs and GET /docs/assets/{file}: public, like /openapi.json. */
export function docsRoutes(): Hono {
  const app = new Hono();
  app.get("/docs", (c) => {
    c.header("content-security-policy", csp);
    return c.html(page);
  });
  app.get("/docs/assets/init.js", (c) => {
    c.header("content-type", assets["swagger-ui-bundle.js"]!);
    return c.body(init);
  });
  app.get("/docs/assets/:file", async (c) => {
    const name = c.req.param("file");
    const type = assets[name];
    if (!type) return c.json({ error: { code: "not_found", message: "no such asset" } }, 404);
    c.header("content-type", type);
    c.header("cache-control", "public, max-age=86400");
    return c.body(new Uint8Array(await asset(name)));
  });
  return app;
}
