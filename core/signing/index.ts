/**
 * Contract of core/signing, Standard Webhooks signatures: v1 (HMAC) and v1a (ed25519). Modules
 * outside the folder import only this index (docs/design.md, "Layers"); what it does not re-export
 * is internal to the folder.
 */
export { signingSecrets, webhookHeaders } from "./sign.js";
export { type Ed25519Jwk, generateSigningKey, isSigningKey, jwkOf, publicKeyOf } from "./sign-ed25519.js";
