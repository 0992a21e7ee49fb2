/**
 * What `GET /health` reports by default: whether the table answers a read. The API reaches
 * the table only through services, so the check lives here, not in core/api; the local stack
 * adds the queues (local/handlers.ts).
 */
import type { Db } from "./store/db.js";
import { pingTable } from "./store/ping.js";

export async function tableReadiness(db: Db): Promise<{ dynamodb: "ok" | "unreachable" }> {
  return {
    dynamodb: await pingTable(db).then(
      () => "ok" as const,
      () => "unreachable" as const,
    ),
  };
}
