/** Lambda entry of ordered endpoints' delivery: the FIFO queue, one group's records in order (docs/delivery.md). */

import { contextFor, createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { createDeliveryHandler, DELIVERY_PORTS } from "../core/delivery/index.js";

export const handler = createDeliveryHandler(contextFor(DELIVERY_PORTS, createDeps(loadConfig())), {
  lane: "ordered",
});
