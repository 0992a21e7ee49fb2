/** Lambda entry of the ingest function (SQS-triggered, partial batch responses). */
import { loadConfig } from "../core/config/index.js";
import { createDeps } from "../core/deps.js";
import { createIngestHandler } from "../core/events/index.js";

export const handler = createIngestHandler(createDeps(loadConfig()));
