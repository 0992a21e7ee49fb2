/** The Hono environment of the API: what the auth middleware puts on the context. */
import type { Principal } from "../model/principal.js";

export type { Principal, Role } from "../model/principal.js";

export interface ApiEnv {
  Variables: { principal: Principal };
}
