/**
 * Contract of core/api, the HTTP API: a Hono app (routes, schemas derived from core/model,
 * authentication, errors). Modules outside the folder import only this index (docs/design.md,
 * "Layers"); what it does not re-export is internal to the folder.
 */
export { createApp } from "./app.js";
export { API_PORTS, type ApiContext } from "./context.js";
export type { ApiEnv } from "./env.js";
