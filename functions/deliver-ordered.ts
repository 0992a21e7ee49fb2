/** Lambda entry of ordered endpoints' delivery: the FIFO queue, one group's records in order (docs/delivery.md). */

import { createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { createDeliveryHandler } from "../core/delivery/index.js";

export const handler = createDeliveryHandler(createDeps(loadConfig()), { lane: "ordered" });
