/** Lambda entry of the shared delivery lane (SQS-triggered, partial batch responses). */
import { loadConfig } from "../core/config/index.js";
import { createDeliveryHandler } from "../core/delivery/index.js";
import { createDeps } from "../core/deps.js";

export const handler = createDeliveryHandler(createDeps(loadConfig()));
