/** Lambda entry of the HTTP API (API Gateway HTTP API → Hono). */
import type { Context } from "aws-lambda";
import { handle, type LambdaEvent } from "hono/aws-lambda";
import { API_PORTS, createApp } from "../core/api/index.js";
import { contextFor, createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { logger } from "../core/log/index.js";
import { bootstrapOrg } from "../core/orgs/index.js";

const deps = contextFor(API_PORTS, createDeps(loadConfig()));
const serve = handle(createApp(deps));

/** BOOTSTRAP_API_KEY: registers an admin key of the platform organization (idempotent). */
let bootstrapped: Promise<void> | undefined;
function bootstrap(): Promise<void> {
  const apiKey = deps.config.bootstrapApiKey;
  if (!apiKey) return Promise.resolve();
  bootstrapped ??= bootstrapOrg(deps, { orgId: deps.config.platformOrgId, name: "Platform", apiKey }).then(
    () => undefined,
    (err: Error) => {
      // Retried on the next invocation; the API still serves every other key meanwhile.
      logger.error("bootstrap failed", { error: err.message });
      bootstrapped = undefined;
    },
  );
  return bootstrapped;
}

export const handler = async (event: LambdaEvent, context: Context) => {
  await bootstrap();
  return serve(event, context);
};
