/**
 * Compiled by `npm run check` (tsc), never run: the calls a new user writes first must type-check
 * against the types openapi-typescript generates from the document with its default options.
 * A request schema with a `default` (which the generator turns into a required property) or a
 * wrongly typed field makes this file fail to compile.
 */
import { createClient } from "./client.js";

export async function firstSteps(): Promise<void> {
  const client = createClient({ url: "http://127.0.0.1:3000", apiKey: "sk_test_x" });
  // The minimal create body.
  const created = await client.POST("/v1/webhook-endpoints", { body: { url: "https://example.com/hook" } });
  const id = created.data?.id ?? "ep_x";
  // A one-field PATCH: omitted fields are kept.
  await client.PATCH("/v1/webhook-endpoints/{id}", {
    params: { path: { id } },
    body: { status: "disabled" },
  });
  // Publishing with only the required fields.
  await client.POST("/v1/events", { body: { type: "voice.call.ended", data: { call_id: "c_1" } } });
}
