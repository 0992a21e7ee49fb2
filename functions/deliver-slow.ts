/** Lambda entry of the slow delivery lane: its own queue and concurrency (docs/delivery.md). */
import { loadConfig } from "../core/config/runtime.js";
import { createDeliveryHandler } from "../core/delivery/handler.js";
import { createDeps } from "../core/deps.js";

export const handler = createDeliveryHandler(createDeps(loadConfig()), { lane: "slow" });
