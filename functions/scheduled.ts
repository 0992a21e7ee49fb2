/**
 * Lambda entry of scheduled work: EventBridge Scheduler invokes it with the JSON body of a
 * "maintenance" entry (today: the auto-disable check of a failing endpoint).
 */

import { createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { createMaintenanceHandler } from "../core/delivery/index.js";

export const handler = createMaintenanceHandler(createDeps(loadConfig()));
