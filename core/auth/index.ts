/**
 * Contract of core/auth, API keys: creation, lookup, revocation, and the principal a key acts as.
 * Modules outside the folder import only this index (docs/design.md, "Layers"); what it does not
 * re-export is internal to the folder.
 */
export {
  type ApiKeyInfo,
  authenticate,
  createApiKey,
  findApiKey,
  listKeys,
  revokeKey,
  toApiKeyInfo,
} from "./api-keys.js";
