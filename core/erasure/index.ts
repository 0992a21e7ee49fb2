/**
 * Contract of core/erasure, erasing payloads by data subject or by event (docs/data.md).
 * Modules outside the folder import only this index (docs/design.md, "Layers").
 */

export { erasePayload, getErasure, listErasures, startErasure } from "./service.js";
export { erasureTask } from "./task.js";
