/**
 * An organization's payload retention (docs/data.md): how long its events keep their payload,
 * per organization and per event type, within RETENTION_DAYS. Ingest applies it to each new
 * event (core/events/ingest.ts, through the directory's cached organization item); an event's
 * `expires_at` is fixed when it is stored, so a change applies to events published after it.
 */
import type { Uses } from "../deps.js";
import { notFound, RETENTION_DAYS, retentionDays } from "../model/index.js";

export interface RetentionView {
  /** The retention an event of a type without its own gets, in days. */
  days: number;
  /** Where `days` comes from. */
  source: "organization" | "default";
  default_days: number;
  min_days: number;
  max_days: number;
  /** Event types with their own retention. */
  event_types: { name: string; retention_days: number }[];
}

export async function getRetention(
  deps: Uses<"config" | "orgStore" | "eventTypes">,
  org: string,
): Promise<RetentionView> {
  const [rec, types] = await Promise.all([deps.orgStore.get(org), deps.eventTypes.list(org)]);
  const fallback = deps.config.retention.eventDays;
  return {
    days: retentionDays({ org: rec?.retention_days, fallback }),
    source: rec?.retention_days === undefined ? "default" : "organization",
    default_days: fallback,
    min_days: RETENTION_DAYS.min,
    max_days: RETENTION_DAYS.max,
    event_types: types.flatMap((t) =>
      t.retention_days === undefined ? [] : [{ name: t.name, retention_days: t.retention_days }],
    ),
  };
}

/** Sets (null: back to the default) the organization's retention; its bounds are the API schema's. */
export async function setRetention(
  deps: Uses<"config" | "orgStore" | "eventTypes" | "endpoints">,
  org: string,
  days: number | null,
): Promise<RetentionView> {
  if (!(await deps.orgStore.setRetention(org, days))) throw notFound("organization");
  deps.endpoints.invalidate(org);
  return getRetention(deps, org);
}
