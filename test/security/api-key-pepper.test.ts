/**
 * DynamoDB Local has no option to listen on loopback only (local/dynamodb.ts), so on `npm start`
 * anyone who reaches its port can write to the table. An API key is stored as an HMAC of the
 * key under the stack's pepper (API_KEY_PEPPER: `.data/api-key-pepper` locally, a secret on AWS),
 * so an API-key item written straight into the table by someone without the pepper matches no key.
 */
import { createHash, createHmac } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../../core/auth/keys.js";
import { callApp, createTestOrg, type TestOrg } from "../support/api.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let org: TestOrg;
let outsider: DynamoDBDocumentClient;

beforeAll(async () => {
  stack = await createTestStack();
  org = await createTestOrg(stack);
  // Someone else on the network: the table's address, any credentials, none of the stack's secrets.
  outsider = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.env.DYNAMODB_ENDPOINT,
      region: "us-east-1",
      credentials: { accessKeyId: "someone", secretAccessKey: "else" },
    }),
  );
});

afterAll(() => outsider?.destroy());

/** Writes an admin key for the test organization the way the store lays it out, hashed by `hash`. */
async function insertKey(hash: (raw: string) => string): Promise<string> {
  const raw = generateApiKey("live");
  const keyHash = hash(raw);
  const keyId = `key_inserted${keyHash.slice(0, 8)}`;
  const table = stack.config.tableName;
  const lookup = { org_id: org.orgId, key_id: keyId, role: "admin", key_hash: keyHash };
  await outsider.send(
    new PutCommand({ TableName: table, Item: { pk: `APIKEY#${keyHash}`, sk: "APIKEY", ...lookup } }),
  );
  await outsider.send(
    new PutCommand({
      TableName: table,
      Item: {
        pk: `ORG#${org.orgId}`,
        sk: `APIKEY#${keyId}`,
        org_id: org.orgId,
        id: keyId,
        name: "inserted",
        role: "admin",
        mode: "live",
        prefix: raw.slice(0, 12),
        key_hash: keyHash,
        created_at: new Date().toISOString(),
        revoked_at: null,
      },
    }),
  );
  return raw;
}

const sha256 = (raw: string) => createHash("sha256").update(raw).digest("hex");
const hmac = (pepper: string) => (raw: string) => createHmac("sha256", pepper).update(raw).digest("hex");
const listWith = (raw: string) =>
  callApp(org.app, "GET", "/v1/webhook-endpoints", undefined, { authorization: `Bearer ${raw}` });

describe("API keys inserted into the table from outside", () => {
  it("authenticate nothing: neither the plain SHA-256 layout nor an HMAC under a guessed pepper", async () => {
    expect((await org.request("GET", "/v1/webhook-endpoints")).status).toBe(200);
    for (const hash of [sha256, hmac(""), hmac("hookrelay")]) {
      const raw = await insertKey(hash);
      const res = await listWith(raw);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("unauthorized");
    }
  });

  it("(control) an item under the stack's own pepper is a working key: the layout above is the real one", async () => {
    const pepper = stack.env.API_KEY_PEPPER;
    expect(pepper).toMatch(/^.{32,}$/);
    const raw = await insertKey(hmac(pepper!));
    expect((await listWith(raw)).status).toBe(200);
  });
});
