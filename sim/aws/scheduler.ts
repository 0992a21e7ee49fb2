/**
 * EventBridge Scheduler, as the production adapter (core/scheduler/eventbridge.ts) sees it: a
 * stand-in for the Scheduler client's `send(command)` that keeps one-time `at()` schedules
 * and fires them on the virtual clock.
 *
 * Documented quotas and behaviours modelled (EventBridge Scheduler User Guide, "Quotas",
 * "Target invocation", primary Regions):
 * - CreateSchedule: 5,000 requests/s; beyond it ThrottlingException for the rest of the second;
 * - number of schedules: 10,000,000 per Region (counted as pending);
 * - invocations throttle limit: 1,000 targets/s; what is over waits (it is retried by the
 *   scheduler, so it fires late rather than never);
 * - `at()` has minute precision; the target is an SQS queue (a SendMessage) or a Lambda
 *   function invoked asynchronously, which Lambda retries twice and then drops unless the
 *   function has an on-failure destination ("Asynchronous invocation").
 */
import { ConflictException, ResourceNotFoundException, ThrottlingException } from "@aws-sdk/client-scheduler";
import { type Engine, SIM_EPOCH_MS } from "../engine.js";
import type { Meter } from "./meter.js";

export const CREATE_SCHEDULE_PER_S = 5_000;
export const INVOCATIONS_PER_S = 1_000;
export const MAX_SCHEDULES = 10_000_000;
const ASYNC_RETRIES = 2;

interface Schedule {
  name: string;
  at: number;
  arn: string;
  input: string;
  k: number;
  cancelled?: boolean;
}

export interface SchedulerTargets {
  /** Sends to the queue whose ARN this is. */
  queue(arn: string, body: string): void;
  /** Invokes a function asynchronously; rejects when the run failed. */
  invoke(arn: string, body: string): Promise<void>;
}

export class SchedulerModel {
  private schedules = new Map<string, Schedule>();
  private second = { sec: -1, creates: 0, fires: 0, asked: 0 };
  pending = 0;

  constructor(
    private engine: Engine,
    private meter: Meter,
    private targets: SchedulerTargets,
    private weightOf: (body: string) => number,
  ) {}

  readonly client = {
    send: (command: { input: unknown; constructor: { name: string } }) => this.send(command),
  };

  private now() {
    const sec = Math.floor(this.engine.t / 1000);
    if (this.second.sec !== sec) this.second = { sec, creates: 0, fires: 0, asked: 0 };
    return this.second;
  }

  async send(command: { input: unknown; constructor: { name: string } }): Promise<unknown> {
    const input = command.input as Record<string, unknown>;
    await this.engine.sleep(20 + this.engine.random() * 30);
    if (command.constructor.name === "DeleteScheduleCommand") {
      const s = this.schedules.get(String(input.Name));
      if (!s)
        throw new ResourceNotFoundException({ message: "not found", Message: "not found", $metadata: {} });
      s.cancelled = true;
      this.forget(s);
      return {};
    }
    if (command.constructor.name !== "CreateScheduleCommand")
      throw new Error(`the scheduler model has no ${command.constructor.name}`);
    const target = input.Target as { Arn: string; Input: string };
    // A queue target carries a task or an event: a cohort's k. A function target is a maintenance
    // event about one endpoint (a resume, a waiting run, an auto-disable timer), and a cohort's
    // k messages share their endpoint (sim/world.ts): one schedule, whatever k.
    const k = target.Arn.includes(":sqs:") ? this.weightOf(target.Input) : 1;
    const sec = this.now();
    sec.asked += k;
    this.meter.max("create_schedule_asked_per_s", sec.asked);
    if (sec.creates + k > CREATE_SCHEDULE_PER_S || this.pending + k > MAX_SCHEDULES) {
      this.meter.count("create_schedule_throttled", k);
      throw new ThrottlingException({ message: "Rate exceeded", Message: "Rate exceeded", $metadata: {} });
    }
    sec.creates += k;
    this.meter.max("create_schedule_per_s", sec.creates);
    const name = String(input.Name);
    if (this.schedules.has(name))
      throw new ConflictException({ message: "exists", Message: "exists", $metadata: {} });
    const iso = /^at\((.+)\)$/.exec(String(input.ScheduleExpression))![1]!;
    const at = Date.parse(`${iso}Z`) - SIM_EPOCH_MS;
    const s: Schedule = { name, at, arn: target.Arn, input: target.Input, k };
    this.schedules.set(name, s);
    this.pending += k;
    this.meter.max("pending_schedules", this.pending);
    this.meter.count("create_schedule", k);
    this.engine.at(at, () => this.fire(s, 0));
    return { ScheduleArn: `arn:sim:schedule/${name}` };
  }

  /** The bodies pending schedules will send to a queue (tasks, fan-out commands): what they hold. */
  *queued(): Iterable<string> {
    for (const s of this.schedules.values()) if (s.arn.includes(":sqs:")) yield s.input;
  }

  private forget(s: Schedule): void {
    if (this.schedules.get(s.name) === s) {
      this.schedules.delete(s.name);
      this.pending -= s.k;
    }
  }

  /** Fires within the invocation rate; what is over the rate waits a second and tries again. */
  private fire(s: Schedule, tries: number): void {
    if (s.cancelled) return;
    const sec = this.now();
    if (sec.fires + s.k > INVOCATIONS_PER_S && sec.fires > 0) {
      this.meter.count("schedule_invocations_delayed", s.k);
      this.engine.after(1000, () => this.fire(s, tries));
      return;
    }
    sec.fires += s.k;
    this.forget(s);
    if (s.arn.includes(":sqs:")) {
      this.targets.queue(s.arn, s.input);
      return;
    }
    void this.invokeAsync(s, 0);
  }

  /** Lambda's asynchronous invoke: the first run and two retries (1 min, then 2 min later). */
  private async invokeAsync(s: Schedule, attempt: number): Promise<void> {
    try {
      await this.targets.invoke(s.arn, s.input);
    } catch {
      if (attempt >= ASYNC_RETRIES) {
        this.meter.count("async_invocations_dropped", s.k);
        return;
      }
      this.engine.after(60_000 * (attempt + 1), () => void this.invokeAsync(s, attempt + 1));
    }
  }
}
