/**
 * AWS KMS, as the production key wrapper (core/store/key-wrap.ts) sees it: a stand-in for
 * the KMS client's `send` (GenerateDataKey, Decrypt) that counts requests per second.
 *
 * Documented quota (AWS KMS Developer Guide, "Request quotas"): cryptographic operations
 * on symmetric keys share 5,500-100,000 requests/s per account and Region (10,000 in most
 * Regions is used here); beyond it KMS throttles (ThrottlingException).
 * Latency: 5-15 ms.
 */
import { randomBytes } from "node:crypto";
import type { Engine } from "../engine.js";
import type { Meter } from "./meter.js";

export const KMS_REQUESTS_PER_S = 10_000;

export class KmsModel {
  private second = { sec: -1, n: 0 };
  constructor(
    private engine: Engine,
    private meter: Meter,
  ) {}

  readonly client = {
    send: (command: { input: unknown; constructor: { name: string } }) => this.send(command),
  };

  async send(command: { input: unknown; constructor: { name: string } }): Promise<unknown> {
    const input = command.input as { CiphertextBlob?: Uint8Array; EncryptionContext?: { org_id?: string } };
    await this.engine.sleep(5 + this.engine.random() * 10);
    const sec = Math.floor(this.engine.t / 1000);
    if (this.second.sec !== sec) this.second = { sec, n: 0 };
    this.second.n += 1;
    this.meter.max("kms_requests_per_s", this.second.n);
    this.meter.count("kms_requests");
    if (command.constructor.name === "GenerateDataKeyCommand") {
      // The "wrapped" form is the plaintext itself: the model guards nothing.
      const plain = randomBytes(32);
      return { Plaintext: plain, CiphertextBlob: plain };
    }
    if (command.constructor.name === "DecryptCommand") return { Plaintext: input.CiphertextBlob };
    throw new Error(`the KMS model has no ${command.constructor.name}`);
  }
}
