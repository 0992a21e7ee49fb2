/** An organization (a tenant) as it is stored. */
export interface OrgRecord {
  org_id: string;
  name: string;
  created_at: string;
  /** Maintained by the endpoints store in the same transaction as each create/delete. */
  endpoint_count: number;
  /** Set when the organization was deleted: the item stays as a tombstone (the id is never reused). */
  deleted_at?: string;
}
