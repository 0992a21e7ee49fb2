/** Lambda entry of the slow delivery lane: its own queue and concurrency (docs/delivery.md). */
import { loadConfig } from "../core/config/index.js";
import { createDeliveryHandler } from "../core/delivery/index.js";
import { createDeps } from "../core/deps.js";

export const handler = createDeliveryHandler(createDeps(loadConfig()), { lane: "slow" });
