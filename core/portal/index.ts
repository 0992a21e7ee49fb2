/**
 * Contract of core/portal, the consumer portal: its pages, sessions and tokens, and what a session
 * may see. Modules outside the folder import only this index (docs/design.md, "Layers"); what it
 * does not re-export is internal to the folder.
 */
export { CAPABILITIES, matchRoute } from "./capabilities.js";
export { portalPages } from "./pages.js";
export { allowsAgent, allowsType, scopeEndpointInput } from "./scope.js";
export {
  authenticateSession,
  createSession,
  currentSession,
  revokeSession,
  SESSION_SECONDS,
} from "./sessions.js";
export { looksLikeToken } from "./token.js";
export {
  assertEndpointVisible,
  assertEventVisible,
  assertTaskVisible,
  endpointFilter,
  taskVisible,
  type VisibilityDeps,
  visibleEndpointIds,
} from "./visibility.js";
