/** Who is calling: the organization and role an API key resolves to. */
export type Role = "admin" | "member" | "viewer";

export interface Principal {
  orgId: string;
  keyId: string;
  role: Role;
}
