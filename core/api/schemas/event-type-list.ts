/** A subscription list: exact event types or patterns. Shared by the canonical field and its aliases. */
import { z } from "@hono/zod-openapi";
import { eventTypeString, MAX_EVENT_TYPES_PER_ENDPOINT } from "../../model/index.js";

export const eventTypeList = z
  .array(eventTypeString)
  .max(MAX_EVENT_TYPES_PER_ENDPOINT)
  .openapi({
    description: "Exact event types or patterns (`telephony.*`, `*`); empty = every type",
    example: ["chat.message.completed", "voice.call.ended"],
  });
