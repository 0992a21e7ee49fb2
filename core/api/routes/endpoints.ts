/** /v1/webhook-endpoints (in progress). */
import type { Deps } from "../../deps.js";
import { createRouter } from "../router.js";

export function endpointsRoutes(_deps: Deps) {
  return createRouter();
}
