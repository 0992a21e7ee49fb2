/**
 * What `GET /health` reports by default: whether the table answers a read. The API reaches
 * the table only through services, so the check lives here, not in core/api; the local stack
 * adds the queues (local/handlers.ts).
 */
import type { Uses } from "./deps.js";

export async function tableReadiness(deps: Uses<"pingStore">): Promise<{ dynamodb: "ok" | "unreachable" }> {
  return {
    dynamodb: await deps.pingStore.ping().then(
      () => "ok" as const,
      () => "unreachable" as const,
    ),
  };
}
