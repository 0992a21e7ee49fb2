/** Lambda entry of the ingest function (SQS-triggered, partial batch responses). */

import { contextFor, createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { createIngestHandler, INGEST_PORTS } from "../core/events/index.js";

export const handler = createIngestHandler(contextFor(INGEST_PORTS, createDeps(loadConfig())));
