/** Who is calling: the organization and role an API key resolves to. */
import * as z from "zod";

/** admin: everything; member: read and publish events; viewer: read only. */
export const role = z.enum(["admin", "member", "viewer"]);
export type Role = z.infer<typeof role>;

export interface Principal {
  orgId: string;
  keyId: string;
  role: Role;
}
