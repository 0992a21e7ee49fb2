/**
 * API Gateway (HTTP API) in front of the API function, as a producer publishing events over
 * HTTP (`POST /v1/events`) meets it: the account's throttle, then the function's reserved
 * concurrency. The API's code is not run here (the producers' events go on the ingest queue as
 * the API would put them); this model says how many requests get through, and when.
 *
 * Documented quotas modelled:
 * - API Gateway, "Amazon API Gateway quotas": throttle quota per account, per Region, across
 *   HTTP, REST and WebSocket APIs: 10,000 requests per second, with a token bucket of 5,000
 *   requests of burst; a request over it gets 429 Too Many Requests;
 * - Lambda, "Configuring reserved concurrency": a function with reserved concurrency runs at
 *   most that many requests at once; beyond it the invoke is throttled (429 from Lambda, which
 *   API Gateway returns to the caller as 503/500); the API's reservation is
 *   API_RESERVED_CONCURRENCY (core/config/capacity.ts).
 * A request holds one unit of concurrency for `requestMs` (API_REQUEST_SECONDS, 30 ms: the API's
 * publish path, one conditional PutItem and one SendMessage). Cohorts: a simulated request standing for k real
 * ones takes k tokens and k x requestMs of unit-time (a fluid model, like sim/aws/lambda.ts).
 */
import { API_REQUEST_SECONDS } from "../../core/config/capacity.js";
import type { Engine } from "../engine.js";
import type { Meter } from "./meter.js";

export const API_GATEWAY_RPS = 10_000;
export const API_GATEWAY_BURST = 5_000;
const REQUEST_MS = API_REQUEST_SECONDS * 1000;

export class ApiGatewayModel {
  private tokens = API_GATEWAY_BURST;
  private refilledAt = 0;
  /** When the reserved units are free again (virtual ms), all of them seen as one fluid server. */
  private busyUntil = 0;
  private second = { sec: -1, n: 0 };

  constructor(
    private engine: Engine,
    private meter: Meter,
    private readonly reservedConcurrency: number,
    private readonly requestMs = REQUEST_MS,
  ) {}

  /** Whether k requests arriving now get through (else the producer sees 429 or 503 and retries). */
  admit(k: number): boolean {
    const t = this.engine.t;
    this.tokens = Math.min(API_GATEWAY_BURST, this.tokens + ((t - this.refilledAt) / 1000) * API_GATEWAY_RPS);
    this.refilledAt = t;
    if (this.tokens < k && this.tokens < API_GATEWAY_BURST) {
      this.meter.count("api_gateway_throttled", k);
      return false;
    }
    this.tokens -= k;
    // The reserved units are busy: the invoke is throttled.
    if (this.busyUntil > t + this.requestMs) {
      this.meter.count("api_concurrency_throttled", k);
      return false;
    }
    const work = (k * this.requestMs) / Math.max(1, this.reservedConcurrency);
    this.busyUntil = Math.max(this.busyUntil, t) + work;
    const sec = Math.floor(t / 1000);
    if (this.second.sec !== sec) this.second = { sec, n: 0 };
    this.second.n += k;
    this.meter.max("api_requests_per_s", this.second.n);
    // Little's law: requests per second x the time each holds a unit.
    this.meter.max("api_concurrency", Math.round((this.second.n * this.requestMs) / 1000));
    this.meter.count("api_requests", k);
    return true;
  }
}
