/**
 * Signing secrets are encrypted at rest under a per-organization data key: the table holds
 * only ciphertext, a warm process unwraps each organization's key once, and forgetting an
 * organization's key makes its secrets unreadable. The KMS wrapper is checked with
 * aws-sdk-client-mock (no KMS emulator), the file wrapper for real.
 */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, describe, expect, it } from "vitest";
import { getEndpoint, listAllEndpoints } from "../../core/store/endpoints.js";
import { fileKeyWrapper, type KeyWrapper, kmsKeyWrapper } from "../../core/store/key-wrap.js";
import { keys } from "../../core/store/keys.js";
import { createSecretsAtRest, SecretUnreadableError } from "../../core/store/secrets-at-rest.js";
import { createTestOrg } from "../support/api.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const raw = async (key: { pk: string; sk: string }) =>
  (await stack.deps.db.doc.send(new GetCommand({ TableName: stack.deps.db.table, Key: key }))).Item!;

function counting(inner: KeyWrapper) {
  const calls = { generate: 0, unwrap: 0 };
  const wrapper: KeyWrapper = {
    generate: (org) => {
      calls.generate++;
      return inner.generate(org);
    },
    unwrap: (org, w) => {
      calls.unwrap++;
      return inner.unwrap(org, w);
    },
  };
  return { wrapper, calls };
}

describe("secrets at rest", () => {
  it("stores only ciphertext for the secret and a rotation's previous secret", async () => {
    const org = await createTestOrg(stack);
    const created = await org.request("POST", "/v1/webhook-endpoints", { url: "https://hooks.test/x" });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    const item = await raw(keys.endpoint(org.orgId, created.body.id));
    expect(item.secret).toMatch(/^enc1:/);
    expect(JSON.stringify(item)).not.toContain(secret.slice(6));

    const rotated = await org.request("POST", `/v1/webhook-endpoints/${created.body.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const after = await raw(keys.endpoint(org.orgId, created.body.id));
    expect(after.secret).toMatch(/^enc1:/);
    expect(after.previous_secret).toMatch(/^enc1:/);
    expect(JSON.stringify(after)).not.toContain(secret.slice(6));
    expect(JSON.stringify(after)).not.toContain(rotated.body.secret.slice(6));
    // The data key is stored wrapped too.
    const dataKey = await raw(keys.dataKey(org.orgId));
    expect(dataKey.wrapped).toEqual(expect.any(String));

    // What delivery reads (the endpoint cache lists them) is the plaintext.
    const [rec] = await listAllEndpoints(stack.deps.db, org.orgId);
    expect(rec).toMatchObject({ secret: rotated.body.secret, previous_secret: secret });
    expect((await org.request("GET", `/v1/webhook-endpoints/${created.body.id}`)).body.secret_hint).toBe(
      `whsec_…${rotated.body.secret.slice(-6)}`,
    );
  });

  it("unwraps each organization's data key once per process, not once per secret", async () => {
    const { wrapper, calls } = counting(
      fileKeyWrapper(join(tmpdir(), `hr-${randomBytes(4).toString("hex")}.key`)),
    );
    const box = createSecretsAtRest(stack.deps.db, () => wrapper);
    const org = uniqueOrg();
    const sealed = await box.encrypt(org, "whsec_one");
    for (let i = 0; i < 50; i++) expect(await box.decrypt(org, sealed)).toBe("whsec_one");
    expect(calls).toEqual({ generate: 1, unwrap: 0 });

    // A second process (cold cache) unwraps once, then serves from memory.
    const other = createSecretsAtRest(stack.deps.db, () => wrapper);
    for (let i = 0; i < 50; i++) expect(await other.decrypt(org, sealed)).toBe("whsec_one");
    expect(calls).toEqual({ generate: 1, unwrap: 1 });
  });

  it("binds ciphertext to its organization, and forgetting the key makes secrets unreadable", async () => {
    const box = stack.deps.db.secrets;
    const a = uniqueOrg();
    const b = uniqueOrg();
    const sealed = await box.encrypt(a, "whsec_tenant_a");
    await box.encrypt(b, "whsec_tenant_b");
    await expect(box.decrypt(b, sealed)).rejects.toBeInstanceOf(SecretUnreadableError);

    const org = await createTestOrg(stack);
    const ep = await org.request("POST", "/v1/webhook-endpoints", { url: "https://hooks.test/x" });
    await box.forgetOrganization(org.orgId);
    // The store reads an endpoint whose secret no longer decrypts as absent (#23 item 16: a
    // shredded organization's leftovers answer 404, never 500); the sealed secret stays unreadable.
    await expect(getEndpoint(stack.deps.db, org.orgId, ep.body.id)).resolves.toBeUndefined();
    // Another process too: the key is gone from the table, not only from this cache.
    const cold = createSecretsAtRest(stack.deps.db, () => fileKeyWrapper(stack.config.secrets.keyFile!));
    await expect(
      cold.decrypt(org.orgId, (await raw(keys.endpoint(org.orgId, ep.body.id))).secret),
    ).rejects.toBeInstanceOf(SecretUnreadableError);
  });

  it("on AWS, wraps data keys with KMS under the organization's encryption context", async () => {
    const kms = new KMSClient({ region: "us-east-1" });
    const mock = mockClient(kms);
    const plain = randomBytes(32);
    mock
      .on(GenerateDataKeyCommand)
      .resolves({ Plaintext: plain, CiphertextBlob: Buffer.from("wrapped-by-kms") });
    mock.on(DecryptCommand).resolves({ Plaintext: plain });
    const box = createSecretsAtRest(stack.deps.db, () => kmsKeyWrapper("alias/hookrelay", kms));
    const org = uniqueOrg();
    const sealed = await box.encrypt(org, "whsec_kms");
    for (let i = 0; i < 20; i++) await box.decrypt(org, sealed);
    const gen = mock.commandCalls(GenerateDataKeyCommand);
    expect(gen).toHaveLength(1);
    expect(gen[0]!.args[0].input).toMatchObject({
      KeyId: "alias/hookrelay",
      EncryptionContext: { org_id: org },
    });
    expect(mock.commandCalls(DecryptCommand)).toHaveLength(0);

    const cold = createSecretsAtRest(stack.deps.db, () => kmsKeyWrapper("alias/hookrelay", kms));
    expect(await cold.decrypt(org, sealed)).toBe("whsec_kms");
    const dec = mock.commandCalls(DecryptCommand);
    expect(dec).toHaveLength(1);
    expect(dec[0]!.args[0].input.EncryptionContext).toEqual({ org_id: org, purpose: "hookrelay-secrets" });
    mock.restore();
  });
});
