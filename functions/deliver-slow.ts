/** Lambda entry of the slow delivery lane: its own queue and concurrency (docs/delivery.md). */

import { contextFor, createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { createDeliveryHandler, DELIVERY_PORTS } from "../core/delivery/index.js";

export const handler = createDeliveryHandler(contextFor(DELIVERY_PORTS, createDeps(loadConfig())), {
  lane: "slow",
});
