/** Lambda entry of the shared delivery lane (SQS-triggered, partial batch responses). */

import { contextFor, createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { createDeliveryHandler, DELIVERY_PORTS } from "../core/delivery/index.js";

export const handler = createDeliveryHandler(contextFor(DELIVERY_PORTS, createDeps(loadConfig())));
