/**
 * Contract of core/endpoints, endpoints: the endpoint service, the per-organization directory,
 * secrets and signing keys, resuming a re-enabled endpoint's parked deliveries, filter tests.
 * Modules outside the folder import only this index (docs/design.md, "Layers"); what it does not
 * re-export is internal to the folder.
 */
export { endpointsOf, listAgentEndpoints } from "./agents.js";
export type { AwsTargetInput } from "./aws-rules.js";
export { endpointDirectory } from "./directory.js";
export {
  type HandledEndpoint,
  listWithHandles,
  requireByHandle,
  withHandles,
} from "./handles.js";
export { endpointKeys, jwksOf } from "./public-keys.js";
export { type ResumeCause, resumeEvent, scheduleResume } from "./resume.js";
export { scheduled, scheduleOnce } from "./schedule-once.js";
export { readSecrets } from "./secret-read.js";
export {
  type CreateEndpointInput,
  listEndpoints,
  requireEndpoint,
  rotateSecret,
  type UpdateEndpointInput,
} from "./service.js";
export { RECENT, testFilter } from "./test-filter.js";
