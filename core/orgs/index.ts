/**
 * Contract of core/orgs, organizations: bootstrap, the organization service, deletion. Modules
 * outside the folder import only this index (docs/design.md, "Layers"); what it does not re-export
 * is internal to the folder.
 */
export { bootstrapOrg } from "./bootstrap.js";
export { deleteOrganization } from "./delete.js";
export { getRetention, type RetentionView, setRetention } from "./retention.js";
export { assertPlatformAdmin, createOrganization, getOrganization, listOrganizations } from "./service.js";
