/**
 * The per-process caches every entry point is handed (core/deps.ts), as their users see them;
 * built by the composition root (core/compose.ts) from core/endpoints/directory.ts and
 * core/event-types/catalog.ts. Declared here, in the kernel, so the types of the root name no
 * feature folder (a feature importing the root's types would otherwise close a circle).
 */
import type { EndpointRecord } from "./endpoint.js";
import type { EventTypeDef } from "./event-type.js";

/** Each organization's endpoints as ingest (matching) and delivery see them, cached briefly. */
export interface EndpointDirectory {
  /** Every endpoint of the organization, cached briefly. */
  list(org: string): Promise<EndpointRecord[]>;
  /** One endpoint, read by its key and cached briefly (delivery); undefined when it does not exist. */
  cached(org: string, id: string): Promise<EndpointRecord | undefined>;
  /** Whether the organization was deleted (cached like the list). */
  deleted(org: string): Promise<boolean>;
  /** The organization's own payload retention in days, if it set one (cached like the list). */
  retentionDays(org: string): Promise<number | undefined>;
  /** Forget an organization's entry (after a write in this process). */
  invalidate(org: string): void;
}

/** An organization's event-type catalog: the defaults plus its own types. */
export interface EventTypeCatalog {
  /** The whole catalog, read now. */
  list(org: string): Promise<EventTypeDef[]>;
  /**
   * One type's definition from a briefly cached catalog (like the endpoints), so a burst of
   * events costs one query. A miss re-reads the catalog before answering undefined: a type
   * created a moment ago is found at once.
   */
  find(org: string, name: string): Promise<EventTypeDef | undefined>;
  /** Forget an organization's entry (after a change in this process; other processes see it within the TTL). */
  invalidate(org: string): void;
}
