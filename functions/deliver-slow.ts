/** Lambda entry of the slow delivery lane: its own queue and concurrency (docs/delivery.md). */

import { createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { createDeliveryHandler } from "../core/delivery/index.js";

export const handler = createDeliveryHandler(createDeps(loadConfig()), { lane: "slow" });
