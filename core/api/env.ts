/** The Hono environment of the API: what the auth middleware puts on the context. */
import type { Principal } from "../model/index.js";

export interface ApiEnv {
  Variables: { principal: Principal };
}
