/**
 * Contract of core/event-types, the catalog of event types: the default types and an
 * organization's own. Modules outside the folder import only this index (docs/design.md,
 * "Layers"); what it does not re-export is internal to the folder.
 */
export { eventTypeCatalog } from "./catalog.js";
export { DEFAULT_EVENT_TYPES } from "./default-catalog.js";
