/** Lambda entry of the shared delivery lane (SQS-triggered, partial batch responses). */

import { createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { createDeliveryHandler } from "../core/delivery/index.js";

export const handler = createDeliveryHandler(createDeps(loadConfig()));
