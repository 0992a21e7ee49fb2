/**
 * Contract of core/model, the shared contracts: zod schemas and types of events, deliveries,
 * endpoints and tasks, every limit, ids, errors. Modules outside the folder import only this index
 * (docs/design.md, "Layers"); what it does not re-export is internal to the folder.
 */

export { type PolicyDocument, permissionPolicy, policyText, trustPolicy } from "./aws-policies.js";
export type { EndpointDirectory, EventTypeCatalog } from "./caches.js";
export {
  agentId,
  agentIdInput,
  eventTypeString,
  type IngestMessage,
  ingestMessage,
  publishFields,
  subjectString,
} from "./client.js";
export { type CursorKey, invalidCursor, type Page } from "./cursor.js";
export {
  type AttemptPage,
  type AttemptQuery,
  type AttemptRecord,
  type DeliveryLogEntry,
  type DeliveryRecord,
  type DeliveryStatus,
  deliveryStatus,
  type EndpointDelivery,
  endpointDelivery,
  entryOrder,
  type LatestDelivery,
  type RecoverableRef,
  type Waiter,
} from "./delivery.js";
export {
  AWS_FIELDS,
  AWS_TYPES,
  type AwsDestination,
  type AwsEndpointType,
  type AwsFieldName,
  type AwsFieldOf,
  type AwsInputOf,
  type AwsSendTarget,
  awsTypeOf,
  ENDPOINT_TYPES,
  type EndpointType,
  isAwsType,
  partitionOf,
  RefusedTarget,
  ROLE_FIELD,
  samePartition,
  type TypeField,
} from "./destinations/index.js";
export {
  type AttemptWindow,
  breakerState,
  type EndpointHandles,
  type EndpointRecord,
  type HealthObservation,
  isSlow,
  parksDeliveries,
  type RetiredSecret,
} from "./endpoint.js";
export {
  ENDPOINT_SETTING_NAMES,
  ENDPOINT_SETTINGS,
  type EndpointSettingName,
  type EndpointSettingValues,
  endpointSettingDefaults,
  endpointSettingInputs,
  endpointSettingViews,
  eventTypeList,
  givenSettings,
  storedSettings,
} from "./endpoint-settings.js";
export { type ErasureRecord, type ErasureStatus, subjectDigest } from "./erasure.js";
export {
  API_ERROR_CODES,
  type ApiErrorCode,
  conflict,
  notFound,
  payloadTooLarge,
  ServiceError,
  validationError,
  WriteThrottled,
} from "./errors.js";
export {
  type Deprecation,
  EVENT_TYPE_NAME,
  type EventTypeDef,
  type EventTypeStatus,
  type StoredEventType,
  schemaVersionOf,
  statusOf,
} from "./event-type.js";
export { idTimeBound, isId, newId } from "./ids.js";
export {
  AGENT_ID,
  DEFAULT_MAX_ENDPOINTS_PER_ORG,
  ERASURE_STEP,
  FILTER_STEPS,
  MAX_BODY_BYTES,
  MAX_CURSOR_LENGTH,
  MAX_DATA_BYTES,
  MAX_DATA_DEPTH,
  MAX_DELIVER_AHEAD_MS,
  MAX_DEPRECATION_NOTE,
  MAX_DESCRIPTION_LENGTH,
  MAX_EVENT_TYPE_DESCRIPTION,
  MAX_EVENT_TYPE_EXAMPLES,
  MAX_EVENT_TYPE_LENGTH,
  MAX_EVENT_TYPES_PER_ENDPOINT,
  MAX_EXAMPLE_BYTES,
  MAX_HEADER_VALUE,
  MAX_HEADERS,
  MAX_ID_LENGTH,
  MAX_IMPORT_TYPES,
  MAX_KEY_NAME_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_ORG_NAME_LENGTH,
  MAX_PRODUCER_ID_LENGTH,
  MAX_RAW_SECRET_LENGTH,
  MAX_RECOVER_PER_CALL,
  MAX_RECOVER_SCAN,
  MAX_RETIRED_SECRETS,
  MAX_SCHEMA_BYTES,
  MAX_SCHEMA_KEYWORDS_PER_VALUE,
  MAX_SCHEMA_NODES,
  MAX_SECRET_LENGTH,
  MAX_SUBJECT_LENGTH,
  MAX_UNIQUE_ITEMS,
  MAX_URL_LENGTH,
  MAX_VALIDATION_WORK,
  PAGE_SIZE,
  RATE_LIMIT,
  RESPONSE_BODY_LIMIT,
  RETENTION_DAYS,
  RETRIES,
  SECRET_BYTES,
  STUCK_GRACE_MS,
  TIMEOUT_MS,
} from "./limits.js";
export { type MessageRecord, type StoredMessage, webhookBody } from "./message.js";
export {
  isOperationalType,
  OPERATIONAL_EVENT_TYPES,
  OPERATIONAL_PREFIX,
  type OperationalBus,
  type OperationalData,
  type OperationalEvent,
  type OperationalType,
} from "./operational.js";
export { OPERATIONAL_CATALOG, OPERATIONAL_DATA, operationalDataSchema } from "./operational-data.js";
export {
  dedupId,
  isOrdered,
  type KeyedEvent,
  ORDERING_KEY,
  type Ordering,
  orderingGroup,
  orderingKeyProblem,
  orderingKeyValue,
} from "./ordering.js";
export type { OrgRecord } from "./org.js";
export {
  type ApiKeyRecord,
  type KeyMode,
  mayReadSecrets,
  type PortalScope,
  type Principal,
  type Role,
  role,
} from "./principal.js";
export { type PayloadState, payloadExpiry, payloadState, retentionDays } from "./retention.js";
export { type KeyFields, type RotatedKeys, retiredSecrets, rotateKeys } from "./rotation.js";
export { type ScheduleEntry, type Scheduler, type ScheduleTarget, scheduleName } from "./schedule.js";
export {
  ACCESS_DENIED,
  type Destination,
  failureMessage,
  type SendFailure,
  type SendOutcome,
  type SendRequest,
} from "./send.js";
export type { OpenSpan, SpanAnnotations, SpanEnd, SpanStart, Tracer } from "./span.js";
export { type DeliveryTask, deliveryTask, type QueuedTask, queuedTask, taskFor, taskId } from "./task.js";
export type {
  QueueAttribute,
  QueueMessage,
  QueueName,
  QueueSendReport,
  TaskQueue,
  VisibilityChange,
} from "./task-queue.js";
export {
  FINISHED_TASK_STATUSES,
  MAX_TASK_STEP_ERRORS,
  TASK_STATUSES,
  type TaskRecord,
  type TaskStatus,
} from "./task-record.js";
export {
  childSpan,
  formatTraceparent,
  newSpanId,
  parseTraceparent,
  startTrace,
  TRACEPARENT_LENGTH,
  type TraceContext,
} from "./trace.js";
