/** Lambda entry of the ingest function (SQS-triggered, partial batch responses). */
import { loadConfig } from "../core/config/runtime.js";
import { createDeps } from "../core/deps.js";
import { createIngestHandler } from "../core/events/ingest-handler.js";

export const handler = createIngestHandler(createDeps(loadConfig()));
