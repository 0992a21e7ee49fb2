/**
 * The rules of an endpoint's ordering (docs/delivery.md, "Ordered delivery"): `strict` needs a
 * deployment with the ordered (FIFO) queue; `ordering_key` is a bounded dotted path into the
 * event (core/model/ordering.ts) and only means something with `strict`. Each failure is a 400.
 */
import type { Uses } from "../deps.js";
import { type EndpointRecord, type Ordering, orderingKeyProblem, ServiceError } from "../model/index.js";

export interface OrderingInput {
  ordering?: Ordering;
  ordering_key?: string | null;
}

type Stored = Pick<EndpointRecord, "ordering" | "ordering_key">;

const invalid = (message: string) => new ServiceError(400, "invalid_ordering", message);

/**
 * The ordering fields to store: `input` over `current` (an update), or over nothing (a create).
 * Undefined when the input names neither field. Turning ordering off clears the key.
 */
export function checkOrdering(
  deps: Uses<"config">,
  input: OrderingInput,
  current: Stored = {},
): Required<Stored> | undefined {
  if (input.ordering === undefined && input.ordering_key === undefined) return undefined;
  const ordering = input.ordering ?? current.ordering ?? "none";
  const key = input.ordering_key !== undefined ? input.ordering_key : (current.ordering_key ?? null);
  if (ordering !== "strict") {
    if (input.ordering_key) throw invalid('ordering_key needs ordering "strict"');
    return { ordering: null, ordering_key: null };
  }
  const { delivery, deliveryOrdered } = deps.config.queues;
  if (deliveryOrdered === delivery)
    throw new ServiceError(
      400,
      "ordering_unavailable",
      "this deployment has no ordered delivery queue (DELIVERY_ORDERED_QUEUE_URL)",
    );
  const problem = key === null ? null : orderingKeyProblem(key);
  if (problem) throw invalid(problem);
  return { ordering: "strict", ordering_key: key };
}
