/** A delivery decision's context on the deployment's defaults (jitter aside, retries 5 s then 300 s), not a copy of them. */
import { MEMORY_ENV } from "../../core/compose.js";
import { loadConfig } from "../../core/config/index.js";
import type { DecideContext } from "../../core/delivery/policy/decide.js";

export function deploymentContext(now: Date): DecideContext {
  const config = loadConfig({ ...MEMORY_ENV, RETRY_SCHEDULE: "5,300" });
  return {
    now,
    lane: "fast",
    attempt: 1,
    slowLane: true,
    random: () => 0.5,
    config: { ...config, retry: { ...config.retry, jitter: 0 } },
  };
}
