/** Lambda entry of the ingest function (SQS-triggered, partial batch responses). */

import { createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { createIngestHandler } from "../core/events/index.js";

export const handler = createIngestHandler(createDeps(loadConfig()));
