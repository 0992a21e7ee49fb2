/** Path parameters: ids longer than any of ours are a 400 before a handler runs. */
import { z } from "@hono/zod-openapi";
import { MAX_ID_LENGTH } from "../../model/index.js";

/** `{ [name]: string }` for a route's `request.params`, documented with an example id. */
export function pathId<N extends string = "id">(example?: string, name: N = "id" as N) {
  const id = z
    .string()
    .min(1)
    .max(MAX_ID_LENGTH)
    .openapi({ param: { name, in: "path" }, ...(example === undefined ? {} : { example }) });
  return z.object({ [name]: id } as { [K in N]: typeof id });
}
