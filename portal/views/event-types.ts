/** How the portal shows an event type's lifecycle: a badge, and the deprecation notes of an endpoint's types. */
import type { EventType } from "../api.js";
import { h, notice } from "../dom.js";

/** "deprecated" or "archived" next to a type's name; nothing for an active type. */
export function lifecycleBadge(t: EventType): HTMLElement | null {
  if (t.status !== "deprecated" && t.status !== "archived") return null;
  return h("span", { class: `badge badge-${t.status}`, "data-testid": `type-${t.status}` }, t.status);
}

/**
 * A notice per deprecated or archived type the endpoint subscribes to by name: events of a
 * deprecated type still arrive, but the producer means to stop; an archived one sends no new events.
 */
export function lifecycleNotices(
  catalog: readonly EventType[],
  subscribed: readonly string[],
): HTMLElement[] {
  return catalog
    .filter((t) => subscribed.includes(t.name) && (t.status === "deprecated" || t.status === "archived"))
    .map((t) =>
      notice(
        "info",
        h("code", {}, t.name),
        t.status === "archived"
          ? " is archived: no new events of this type are sent."
          : ` is deprecated: ${t.deprecation?.note ?? "it will stop being sent"}`,
      ),
    );
}
