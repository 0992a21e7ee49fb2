/** A cheap read that proves the table is reachable with the function's credentials. */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.js";
import type { Db } from "./table.js";

async function pingTable(db: Db): Promise<void> {
  // An organization id no tenant can have (ids are `org_…`): the read is answered, never found.
  await db.doc.send(new GetCommand({ TableName: db.table, Key: keys.org("#health") }));
}

/** The readiness probe of the table (core/readiness.ts, `GET /health`). */
export interface PingStore {
  /** Resolves when the table answers a read; rejects otherwise. */
  ping(): Promise<void>;
}

export function pingStore(db: Db): PingStore {
  return { ping: () => pingTable(db) };
}
