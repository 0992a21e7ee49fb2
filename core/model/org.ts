/** An organization (a tenant) as it is stored. */
export interface OrgRecord {
  org_id: string;
  name: string;
  created_at: string;
  /** Maintained by the endpoints store in the same transaction as each create/delete. */
  endpoint_count: number;
  /**
   * Set first when the organization is deleted: the item stays as a tombstone (the id is never
   * reused) that every create checks in its condition, so deletion wins any race.
   */
  deleted_at?: string;
  /** The organization's payload retention in days (RETENTION_DAYS); the operator's default when absent. */
  retention_days?: number;
  /** Moved by every write that changes what ingest matches on (core/store/endpoints.ts bumpEndpointsVersion). */
  endpoints_version?: number;
  /** Set last, when the deletion has revoked, removed and forgotten everything. */
  purged_at?: string;
}
