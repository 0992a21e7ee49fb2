/**
 * The tenants of a scenario: organizations, their endpoints (stored through the production
 * endpoint store, secrets sealed under a KMS-wrapped data key), and the producers that publish
 * their events on the ingest queue.
 */

import { newEndpointRecord } from "../core/endpoints/record.js";
import { groupIdOf } from "../packages/client/src/sqs/batch.js";
import { toMessage } from "../packages/client/src/sqs/publish-message.js";
import type { Behaviour, Receipt } from "./receivers.js";
import type { World } from "./world.js";

/** The five event types events use; endpoint j of a tenant subscribes to one of them (fan-out 1-5). */
export const TYPES = [
  "telephony.incoming",
  "telephony.complete",
  "telephony.tool",
  "web.incoming",
  "web.complete",
];
const UNUSED_TYPE = "issue.reported";

export interface Group {
  name: string;
  tenants: number;
  endpointsPerTenant: number;
  /** Real events per second, the whole group together. */
  ratePerS: number;
  /** Real events one simulated event stands for. */
  k: number;
  /** "mix": endpoint j subscribes to type m(j), so an event of a random type reaches 1-5 of them. */
  fanout: "mix" | number;
  /** The behaviour of endpoint j of tenant i at virtual time t, for request r. */
  behaviour?: (i: number, j: number, t: number, r?: Receipt) => Behaviour;
  /** How the endpoints answer without the fault (the baseline): "healthy" by default. */
  healthy?: Behaviour;
  /** Payload filter every endpoint of the group has (it matches half the events). */
  filter?: Record<string, unknown>;
  /** This group's tenants are the ones at fault (not counted in `healthy`). */
  atFault?: boolean;
  /** When the group publishes (virtual seconds); default the whole scenario. */
  from?: number;
  to?: number;
  payloadBytes?: number;
  /**
   * The group's endpoints are aws_sqs (docs/destinations.md): each its own queue of the
   * customer's (sim/aws/customer.ts), accepting this many messages per second at time t.
   */
  awsQueuePerSecond?: (t: number) => number;
  /**
   * The group publishes over HTTP (`POST /v1/events`, one event a request) through API Gateway
   * and the API's reserved concurrency (sim/aws/apigateway.ts); a refused request is sent again
   * 1-2 s later by the producer (its delay counts from the first try).
   */
  viaApi?: boolean;
  /**
   * The group's endpoints are ordered (`ordering: "strict"`, docs/delivery.md) by the key
   * `data.sim.key`, whose value is one of this many (`k0`, `k1`, … in turn).
   */
  orderedKeys?: number;
}

/** The ordering key of ordered groups' endpoints (a path into the event, core/model/ordering.ts). */
const ORDERING_KEY = "data.sim.key";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A deterministic id of the production format (`prefix_` + 26 Crockford characters). */
export function simId(prefix: string, n: number): string {
  let s = "";
  for (let x = n; s.length < 26; x = Math.floor(x / 32)) s = CROCKFORD[x % 32] + s;
  return `${prefix}_${s}`;
}

/** Type index endpoint j subscribes to with the 1-5 mix: 0 | 1 1 | 2 2 2 | 3 3 3 3 | 4 4 4 4 4. */
function mixType(j: number): string {
  const bounds = [1, 3, 6, 10, 15];
  const i = bounds.findIndex((b) => j < b);
  return i < 0 ? UNUSED_TYPE : TYPES[i]!;
}

export interface Seeded {
  orgs: string[];
  /**
   * The tenants at fault (`atFault` groups), in the baseline too, where their endpoints answer
   * as healthy ones: `healthy` and `baseline_healthy` are both the other tenants' delays.
   */
  faultyOrgs: Set<string>;
  endpointOrg: Map<string, string>;
}

export async function seed(world: World, groups: Group[], faulty: boolean): Promise<Seeded> {
  const out: Seeded = { orgs: [], faultyOrgs: new Set(), endpointOrg: new Map() };
  let n = 0;
  const jobs: (() => Promise<void>)[] = [];
  groups.forEach((g, gi) => {
    if (g.k > 1) world.cohortIntervalMs = Math.max(world.cohortIntervalMs, (g.k / g.ratePerS) * 1000);
    world.meter.laneRate += g.ratePerS;
    for (let i = 0; i < g.tenants; i++) {
      const org = `org_${g.name}_${i}`;
      world.cohort.set(org, g.k);
      world.rates.set(org, g.ratePerS / g.tenants);
      out.orgs.push(org);
      if (g.atFault) out.faultyOrgs.add(org);
      for (let j = 0; j < g.endpointsPerTenant; j++) {
        const id = simId("ep", ++n);
        out.endpointOrg.set(id, org);
        const name = `g${gi}-${i}-${j}`;
        const behaviour = g.behaviour;
        const healthy = g.healthy ?? "healthy";
        world.receivers.set(name, (t, r) =>
          faulty && behaviour ? behaviour(i, j, t - world.t0, r) : healthy,
        );
        const aws =
          g.awsQueuePerSecond &&
          awsTarget(world, id, (t) => (faulty ? g.awsQueuePerSecond!(t - world.t0) : Infinity));
        const rec = newEndpointRecord(
          {
            org_id: org,
            ...(aws ?? {}),
            url: aws?.url ?? `http://${name}.sim/${id}`,
            secret: `whsec_${Buffer.alloc(24, n % 251).toString("base64")}`,
            event_types: [g.fanout === "mix" ? mixType(j) : TYPES[0]!],
            filter: g.filter ? JSON.stringify(g.filter) : null,
            ...(g.orderedKeys ? { ordering: "strict" as const, ordering_key: ORDERING_KEY } : {}),
          },
          world.engine.now(),
        );
        jobs.push(async () => {
          const ok = await world.admin.endpointStore.insert({ ...rec, id }, { max: 10_000 });
          if (!ok) throw new Error(`seeding ${id} failed`);
        });
      }
    }
  });
  // 64 at a time: seeding is setup, not the scenario (its load is reset before the run), so
  // the partitions' limits are lifted meanwhile (an endpoint of a cohort's tenant counts k times).
  let next = 0;
  world.dynamo.limits = false;
  try {
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < jobs.length) await jobs[next++]!();
      }),
    );
  } finally {
    world.dynamo.limits = true;
  }
  return out;
}

/** An aws_sqs endpoint's fields: its own queue (named after it) in the customer model. */
function awsTarget(world: World, id: string, perSecond: (t: number) => number) {
  world.customerAws.limit(id, perSecond);
  const url = `https://sqs.us-east-1.amazonaws.com/123456789012/${id}`;
  const role_arn = "arn:aws:iam::123456789012:role/hookrelay";
  return {
    url,
    type: "aws_sqs" as const,
    aws: { role_arn, external_id: `hookrelay-${id}`, target: url, region: "us-east-1" },
  };
}

/** Schedules every group's events on the ingest queue, evenly spaced, tenants in turn. */
export function publish(world: World, groups: Group[], seconds: number, t0: number): number {
  let events = 0;
  groups.forEach((g) => {
    const from = (g.from ?? 0) * 1000;
    const to = Math.min(seconds, g.to ?? seconds) * 1000;
    const perMs = g.ratePerS / g.k / 1000;
    const count = Math.floor((to - from) * perMs);
    const pad = "x".repeat(g.payloadBytes ?? 900);
    const types = g.fanout === "mix" ? TYPES : [TYPES[0]!];
    const draw = typeDraw(types, world.engine.random);
    for (let e = 0; e < count; e++) {
      const at = t0 + from + e / perMs;
      const org = `org_${g.name}_${e % g.tenants}`;
      const type = draw();
      const amount = e % 2 === 0 ? 150 : 50;
      world.engine.at(at, () => {
        const key = g.orderedKeys ? { key: `k${e % g.orderedKeys}` } : {};
        const data = { sim: { t: world.engine.t, org, ...key }, amount, pad };
        const send = () => {
          if (g.viaApi && !world.api.admit(g.k)) {
            world.engine.after(1000 + world.engine.random() * 1000, send);
            return;
          }
          // The producers' own message (packages/client publishEvent: checked body, and the
          // organization as the message's group, so the ingest queue is a fair queue per
          // organization, sqs-fair.ts), without the SDK call path.
          const { body, tenant } = toMessage({ org_id: org, type, data });
          world.sqs.enqueue("ingest", body, 0, undefined, { groupId: groupIdOf(tenant) });
        };
        send();
      });
      events += g.k;
    }
  });
  return events;
}

/**
 * Each event's type, at random but every type once in each run of `types.length` events (one
 * draw an event, among the types its run has not had): a group's deliveries per event (its
 * fan-out, 1-5 with the mix) then vary little from one second to the next, as they do for
 * thousands of real events a second. Drawn independently, a cohort's one draw stood for k
 * events: at k = 4,000, steady-10k's 2.5 cohorts a second made the delivery lane's load swing
 * by ±20 % over a couple of seconds, and its records waited for units (p99 200 ms more than at
 * k = 400).
 */
export function typeDraw(types: string[], random: () => number): () => string {
  let left: string[] = [];
  return () => {
    if (left.length === 0) left = [...types];
    return left.splice(Math.floor(random() * left.length), 1)[0]!;
  };
}
