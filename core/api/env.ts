/** The Hono environment of the API: what the auth middleware puts on the context. */
export type Role = "admin" | "member" | "viewer";

export interface Principal {
  orgId: string;
  keyId: string;
  role: Role;
}

export interface ApiEnv {
  Variables: { principal: Principal };
}
