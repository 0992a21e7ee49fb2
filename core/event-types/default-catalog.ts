/**
 * The event types every organization starts with (from the product pages the service was
 * specified from). Organizations add their own with `POST /v1/event-types`.
 */
import type { EventTypeDef } from "../model/index.js";

export const DEFAULT_EVENT_TYPES: readonly EventTypeDef[] = [
  { name: "telephony.incoming", description: "An inbound phone call reached an agent." },
  { name: "telephony.complete", description: "A phone call ended; carries the transcript and outcome." },
  { name: "telephony.tool", description: "An agent invoked a tool during a phone call." },
  { name: "web.incoming", description: "A web (browser) call started." },
  { name: "web.complete", description: "A web call ended." },
  { name: "web.tool", description: "An agent invoked a tool during a web call." },
  { name: "call.graded", description: "A completed call was graded." },
  { name: "issue.reported", description: "An issue was reported about a call or an agent." },
  { name: "test-call.completed", description: "A test call finished." },
  { name: "chat.message.completed", description: "An agent finished a chat message." },
  { name: "voice.call.ended", description: "A voice call ended." },
  { name: "conversation.completed", description: "A conversation was completed." },
  { name: "event_phone_call_started", description: "A phone call with an agent started." },
  { name: "event_phone_call_ended", description: "A phone call with an agent ended." },
  { name: "webhook.test", description: "A test event sent from the API to check an endpoint." },
];
