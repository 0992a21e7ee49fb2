/**
 * The HTTP API: Hono behind a catch-all route of an API Gateway HTTP API, and the secrets only
 * it reads.
 */
import { functions as fn } from "../core/config/infra.js";
import type { Environment, Permissions } from "./access.js";
import { bundling, deployedConcurrency } from "./functions.js";
import { megabytes, type Stage, seconds } from "./stage.js";

export interface Api {
  api: sst.aws.ApiGatewayV2;
  route: ReturnType<sst.aws.ApiGatewayV2["route"]>;
}

/**
 * 1024 MB: Lambda CPU scales with memory, and the API's cold start (zod schemas, OpenAPI) and
 * p99 latency improve markedly up to ~1 GB; requests are short, so the GB-s cost stays small.
 * 29 s: API Gateway HTTP APIs cut integrations at 30 s.
 * Reserved concurrency: the API's own share of the account's pool, so queue consumers scaling
 * up under a backlog can never starve it (core/config/capacity.ts); 0 = no reservation.
 */
export function createApi(stage: Stage, environment: Environment, permissions: Permissions): Api {
  // The admin key of the platform organization, accepted on first use (see the README, "First API key"):
  //   npx sst secret set BootstrapApiKey sk_live_$(openssl rand -hex 32) --stage production
  // The empty placeholder means "no bootstrap key": the variable is then left out entirely.
  const bootstrapApiKey = new sst.Secret("BootstrapApiKey", "");
  // Signs customer-portal session tokens (docs/portal.md); without it the portal is off:
  //   npx sst secret set PortalSecret $(openssl rand -base64 32) --stage production
  const portalSecret = new sst.Secret("PortalSecret", "");
  // Keys the hash API keys are stored under (core/auth/keys.ts); set it before the first key,
  // since changing it invalidates every key (the bootstrap key is registered again on first use):
  //   npx sst secret set ApiKeyPepper $(openssl rand -base64 32) --stage production
  const apiKeyPepper = new sst.Secret("ApiKeyPepper", "");
  // Origins allowed to embed the portal in an iframe (CSP frame-ancestors), set at deploy time.
  const portalFrameAncestors = process.env.PORTAL_FRAME_ANCESTORS ?? "'self'";

  const api = new sst.aws.ApiGatewayV2("Api", {
    // Bearer tokens, no cookies: any origin may call. `authorization` cannot be wildcarded.
    cors: {
      allowOrigins: ["*"],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["authorization", "x-api-key", "content-type", "idempotency-key"],
      maxAge: "1 day",
    },
    accessLog: { retention: stage.isProd ? "3 months" : "1 week" },
  });
  const route = api.route("$default", {
    handler: "functions/api.handler",
    description: "HTTP API (Hono)",
    // /docs reads swagger-ui's assets from the package at run time (core/api/docs.ts): installed
    // next to the bundle instead of bundled, so they add nothing to the API's code size. The
    // rest as for every function (minified, the same externals): this object replaces the default.
    nodejs: { ...bundling(), install: ["swagger-ui-dist"] },
    memory: megabytes(fn.api.memoryMb),
    timeout: seconds(fn.api.timeoutSeconds),
    ...reserved(deployedConcurrency().apiReserved),
    // The bootstrap key, the portal secret and the pepper are added only when the secrets have values.
    environment: $resolve([bootstrapApiKey.value, portalSecret.value, apiKeyPepper.value]).apply(
      ([key, portal, pepper]) => ({
        ...environment,
        PORTAL_FRAME_ANCESTORS: portalFrameAncestors,
        ...(key ? { BOOTSTRAP_API_KEY: key } : {}),
        ...(portal ? { PORTAL_SECRET: portal } : {}),
        ...(pepper ? { API_KEY_PEPPER: pepper } : {}),
      }),
    ),
    permissions,
  });
  return { api, route };
}

/** `concurrency.reserved`, or nothing when the deployment reserves none. */
function reserved(n: number): { concurrency?: { reserved: number } } {
  return n > 0 ? { concurrency: { reserved: n } } : {};
}
