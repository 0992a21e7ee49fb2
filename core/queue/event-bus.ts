/**
 * The EventBridge bus operational events are put on (core/operational), so a platform can
 * route them with rules (to SNS, a pager, a Lambda). Without a bus (the local stack) the port
 * does nothing: the webhooks to the platform organization's endpoints carry the same events.
 *
 * One PutEvents per 10 events (its limit); entries it refuses are logged, not retried: the
 * webhook is the delivery with retries, the bus a best-effort copy.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { type Config, clientOptions } from "../config/index.js";
import { logger } from "../log/index.js";
import type { OperationalBus, OperationalEvent } from "../model/index.js";

/** `source` of every entry: rules match on it (`{"source": ["hookrelay"]}`). */
export const OPERATIONAL_SOURCE = "hookrelay";

const PUT_EVENTS_MAX = 10;

export function operationalBus(config: Config, client?: EventBridgeClient): OperationalBus {
  const bus = config.operationalBus;
  if (!bus) return { put: async () => {} };
  const eb = client ?? new EventBridgeClient(clientOptions(config, undefined));
  return {
    async put(events) {
      for (let i = 0; i < events.length; i += PUT_EVENTS_MAX) {
        const entries = events.slice(i, i + PUT_EVENTS_MAX).map((e) => entryOf(bus, e));
        const res = await eb.send(new PutEventsCommand({ Entries: entries }));
        if (res.FailedEntryCount) {
          logger.error("operational events refused by EventBridge", {
            failed: res.FailedEntryCount,
            codes: [...new Set(res.Entries?.map((r) => r.ErrorCode).filter(Boolean))],
          });
        }
      }
    },
  };
}

/** `detail-type` is the event type, `detail` the id, type and data the webhook carries. */
function entryOf(bus: string, e: OperationalEvent): PutEventsRequestEntry {
  return {
    EventBusName: bus,
    Source: OPERATIONAL_SOURCE,
    DetailType: e.type,
    Time: new Date(e.data.occurred_at),
    Detail: JSON.stringify({ id: e.key, type: e.type, data: e.data }),
  };
}
