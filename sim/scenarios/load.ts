/** Scenarios of load: steady traffic at the target, a hot tenant, a burst, publishing over HTTP. */
import { ACCOUNT_CONCURRENCY_FOR_TARGET } from "../../core/config/capacity.js";
import type { Group } from "../tenants.js";
import { HOUR, k, others, type Scenario } from "./shape.js";

export const steady10k: Scenario = {
  name: "steady-10k",
  description:
    "10,000 events/s for 1 h, 5,000 tenants, 100,000 endpoints (fan-out 1-5), 1 % of endpoints failing",
  spec: (_faulty, s) => ({
    seconds: HOUR * s.span,
    drainSeconds: 600 * s.span,
    // The account's concurrency raised as the quota plan says for 10,000 events/s (1,000 by default).
    world: { accountConcurrency: ACCOUNT_CONCURRENCY_FOR_TARGET },
    groups: [
      { name: "ok", tenants: 4000, endpointsPerTenant: 20, ratePerS: 8000, k: k(4000, s), fanout: "mix" },
      {
        name: "fail",
        tenants: 1000,
        endpointsPerTenant: 20,
        ratePerS: 2000,
        k: k(4000, s),
        fanout: "mix",
        atFault: true,
        behaviour: (_i, j) => (j === 0 ? "5xx" : "healthy"),
      },
    ],
  }),
};

export const hotTenant: Scenario = {
  name: "hot-tenant",
  description: "one tenant at 5,000 events/s whose endpoints have payload filters, the rest at 5,000/s",
  spec: (faulty, s) => ({
    seconds: 300 * s.span,
    drainSeconds: 120,
    groups: [
      others(5000, 200, s, 1000),
      ...(faulty
        ? [
            {
              name: "hot",
              tenants: 1,
              endpointsPerTenant: 3,
              ratePerS: 5000,
              k: k(200, s),
              fanout: 1,
              atFault: true,
              filter: { data: { amount: { $gte: 100 } } },
            } as Group,
          ]
        : []),
    ],
  }),
};

export const burst: Scenario = {
  name: "burst",
  cold: true,
  description: "1,000,000 events published within 60 s (baseline: 1,000 events/s for 60 s)",
  spec: (faulty, s) => ({
    seconds: 60 * s.span,
    drainSeconds: 1800,
    groups: [{ ...others(faulty ? 1_000_000 / 60 : 1000, faulty ? 100 : 10, s, 1000), atFault: false }],
  }),
};

export const apiPublish: Scenario = {
  name: "api-publish",
  description:
    "10,000 events/s published over HTTP (POST /v1/events) through API Gateway and the API's reserved concurrency, 10 min (baseline: straight onto the ingest queue)",
  spec: (faulty, s) => ({
    seconds: 600 * s.span,
    drainSeconds: 300,
    world: { accountConcurrency: ACCOUNT_CONCURRENCY_FOR_TARGET },
    groups: [{ ...others(10_000, 500, s, 1000), viaApi: faulty }],
  }),
};
