/**
 * Contract of core/operational: operational events (what the service tells the platform about
 * its customers' endpoints) and emitting them. Modules outside the folder import only this
 * index (docs/design.md, "Layers").
 */
export { type EmitDeps, emitOperational, ingestMessageOf } from "./emit.js";
export {
  breakerOpened,
  type DisabledBy,
  endpointAccessDenied,
  endpointDisabled,
  endpointEnabled,
  endpointFailing,
  endpointRecovered,
  messageDeadLettered,
} from "./events.js";
