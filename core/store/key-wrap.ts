/**
 * Who guards the per-organization data keys (core/store/secrets-at-rest.ts): AWS KMS on AWS, a key
 * file for the local stack. Either way the table holds data keys only in wrapped form, so a
 * table export, a backup or a read-only table role reveals no secret.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { KMSClient } from "@aws-sdk/client-kms";

export interface KeyWrapper {
  /** A fresh 256-bit data key for `org`: the plaintext, and the wrapped form to store. */
  generate(org: string): Promise<{ plain: Buffer; wrapped: string }>;
  /** The plaintext of a wrapped data key; throws if it was not wrapped for `org`. */
  unwrap(org: string, wrapped: string): Promise<Buffer>;
}

type KmsSdk = typeof import("@aws-sdk/client-kms");
let kmsSdk: Promise<KmsSdk> | undefined;
/**
 * The KMS client is imported on the first wrap or unwrap, not at module init: most cold starts
 * never touch a secret (data keys are cached), and it is ~35 KB of every bundle (docs/cost.md).
 */
const loadKms = () => (kmsSdk ??= import("@aws-sdk/client-kms"));

/**
 * KMS envelope encryption: GenerateDataKey and Decrypt under the deployment's key, with the
 * organization as encryption context (a wrapped key copied to another organization's item
 * does not decrypt, and CloudTrail names the organization of every call). `client` is a
 * client, or builds one from the SDK module once it is loaded.
 */
export function kmsKeyWrapper(keyId: string, client: KMSClient | ((sdk: KmsSdk) => KMSClient)): KeyWrapper {
  const context = (org: string) => ({ org_id: org, purpose: "hookrelay-secrets" });
  let kms = typeof client === "function" ? undefined : client;
  const ready = async () => {
    const sdk = await loadKms();
    kms ??= (client as (sdk: KmsSdk) => KMSClient)(sdk);
    return { sdk, kms };
  };
  return {
    async generate(org) {
      const { sdk, kms } = await ready();
      const res = await kms.send(
        new sdk.GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", EncryptionContext: context(org) }),
      );
      return {
        plain: Buffer.from(res.Plaintext!),
        wrapped: Buffer.from(res.CiphertextBlob!).toString("base64"),
      };
    },
    async unwrap(org, wrapped) {
      const { sdk, kms } = await ready();
      const res = await kms.send(
        new sdk.DecryptCommand({
          KeyId: keyId,
          CiphertextBlob: Buffer.from(wrapped, "base64"),
          EncryptionContext: context(org),
        }),
      );
      return Buffer.from(res.Plaintext!);
    },
  };
}

/**
 * The local stand-in for KMS: a 256-bit master key in a file (created on first use, mode
 * 0600; `.data/secrets.key` for `npm start`), wrapping data keys with AES-256-GCM and the
 * organization as associated data. Losing the file makes every stored secret unreadable.
 */
export function fileKeyWrapper(file: string): KeyWrapper {
  let master: Buffer | undefined;
  const key = () => (master ??= loadOrCreate(file));
  return {
    async generate(org) {
      const plain = randomBytes(32);
      return { plain, wrapped: seal(key(), plain, org) };
    },
    async unwrap(org, wrapped) {
      return open(key(), wrapped, org);
    },
  };
}

function loadOrCreate(file: string): Buffer {
  try {
    const k = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
    if (k.length !== 32) throw new Error(`${file} does not hold a 256-bit base64 key`);
    return k;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    mkdirSync(dirname(file), { recursive: true });
    const k = randomBytes(32);
    // "wx": two processes starting at once must not each write a different key.
    try {
      writeFileSync(file, `${k.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreate(file);
      throw e;
    }
    chmodSync(file, 0o600);
    return k;
  }
}

/** AES-256-GCM: `base64url(iv).base64url(ciphertext).base64url(tag)`, bound to `aad`. */
export function seal(key: Buffer, plain: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [iv, ct, cipher.getAuthTag()].map((b) => b.toString("base64url")).join(".");
}

/** The inverse of `seal`; throws on any tampering or on another `aad`. */
export function open(key: Buffer, sealed: string, aad: string): Buffer {
  const [iv, ct, tag] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
  if (!iv || !ct || !tag || iv.length !== 12 || tag.length !== 16) throw new Error("malformed ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

/** The in-memory stand-in (fast tests, the simulation): a master key that lives as long as the process. */
export function memoryKeyWrapper(): KeyWrapper {
  const master = randomBytes(32);
  return {
    async generate(org) {
      const plain = randomBytes(32);
      return { plain, wrapped: seal(master, plain, org) };
    },
    async unwrap(org, wrapped) {
      return open(master, wrapped, org);
    },
  };
}
