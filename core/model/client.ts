/**
 * The contract the server shares with the published client package (packages/client), taken
 * from there in this one place: the ingest message (what producers publish, checked by the
 * producer helper before sending), the identifier limits it is built on, and the delivery task
 * (`hookrelay dlq redrive` reads and rewrites it). The client never imports server code (the
 * dependency rule the-client-never-imports-server-code), so these are declared on its side;
 * the rest of core/model re-exports them from here (limits.ts, task.ts, index.ts).
 */
export {
  AGENT_ID,
  agentId,
  agentIdInput,
  eventTypeString,
  type IngestMessage,
  ingestMessage,
  MAX_EVENT_TYPE_LENGTH,
  MAX_ID_LENGTH,
  MAX_PRODUCER_ID_LENGTH,
  MAX_SUBJECT_LENGTH,
  publishFields,
  subjectString,
} from "../../packages/client/src/sqs/ingest-message.js";
export { deliveryTask } from "../../packages/client/src/sqs/task.js";
