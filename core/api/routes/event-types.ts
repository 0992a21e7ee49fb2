/** /v1/event-types (in progress). */
import type { Deps } from "../../deps.js";
import { createRouter } from "../router.js";

export function eventTypesRoutes(_deps: Deps) {
  return createRouter();
}
