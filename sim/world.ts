/**
 * One simulated deployment: the models of AWS (sim/aws/), the receivers, and the service's
 * production handlers wired to them exactly as functions/*.ts wires them to AWS — one
 * composition root (`createDeps`) per Lambda instance, with the models in place of the AWS
 * clients and the virtual clock as `now`.
 */

import type { KMSClient } from "@aws-sdk/client-kms";
import type { SchedulerClient } from "@aws-sdk/client-scheduler";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Deps } from "../core/all-deps.js";
import { createDeps } from "../core/compose.js";
import { API_RESERVED_CONCURRENCY } from "../core/config/capacity.js";
import { type Config, functions, loadConfig, queues } from "../core/config/index.js";
import { awsSender } from "../core/delivery/aws/send.js";
import {
  createDeliveryHandler,
  createMaintenanceHandler,
  destinationByType,
} from "../core/delivery/index.js";
import { sendWebhook } from "../core/delivery/send.js";
import { createIngestHandler } from "../core/events/index.js";
import { sqsTaskQueue } from "../core/queue/index.js";
import { eventBridgeScheduler } from "../core/scheduler/index.js";
import type { Db } from "../core/store/index.js";
import { kmsKeyWrapper } from "../core/store/key-wrap.js";
import { keys } from "../core/store/keys.js";
import { createSecretsAtRest } from "../core/store/secrets-at-rest.js";
import { keyTime, planOf, shardsAt } from "../core/store/shard-plan.js";
import { ApiGatewayModel } from "./aws/apigateway.js";
import { BatchTail, deliveryTail } from "./aws/batch-tail.js";
import { CustomerAws } from "./aws/customer.js";
import { DynamoModel } from "./aws/dynamodb.js";
import { KmsModel } from "./aws/kms.js";
import { Account, EventSourceMapping, type MappingSettings, type SqsHandler } from "./aws/lambda.js";
import { Meter } from "./aws/meter.js";
import { SchedulerModel } from "./aws/scheduler.js";
import type { SimQueue } from "./aws/sqs.js";
import { SqsModel } from "./aws/sqs-api.js";
import { bodyTags } from "./body-tags.js";
import { cpuOf, LocalMachine, onLoop } from "./calibration/local-machine.js";
import { Engine } from "./engine.js";
import { Receivers } from "./receivers.js";

export const QUEUE = {
  ingest: "ingest",
  ingestDlq: "ingest-dlq",
  delivery: "delivery",
  deliveryDlq: "delivery-dlq",
  deliverySlow: "delivery-slow",
  deliveryOrdered: "delivery-ordered.fifo",
  deliveryOrderedDlq: "delivery-ordered-dlq.fifo",
} as const;
const ARN = (name: string) => `arn:aws:sqs:sim:000000000000:${name}`;
const MAINTENANCE_ARN = "arn:aws:lambda:sim:000000000000:function:maintenance";

/** What a scenario may change of the deployment (the settings under test). */
export interface WorldSettings {
  seed: number;
  /** Environment overrides (core/config/runtime.ts names), e.g. BREAKER_FAILURES. */
  env?: Record<string, string>;
  /** The deployment's isolation settings (core/config/infra.ts) that have no variable, overridden. */
  isolation?: Partial<Config["isolation"]>;
  ingest?: Partial<MappingSettings>;
  deliver?: Partial<MappingSettings>;
  deliverSlow?: Partial<MappingSettings>;
  deliverOrdered?: Partial<MappingSettings>;
  accountConcurrency?: number;
  /**
   * Every queue's retention (default: each queue's own, 14 days): a scenario shortens it with the
   * retention guard's PARK_AFTER_QUEUED_SECONDS to show days of backlog in hours.
   */
  retentionSeconds?: number;
  /** The mappings start scaled up (steady state) instead of at 5 concurrent invocations. */
  warm?: boolean;
  /** The API function's reserved concurrency (default API_RESERVED_CONCURRENCY). */
  apiReservedConcurrency?: number;
  /**
   * Every invocation of every function runs in one process with one composition root (one set
   * of caches and in-memory breaker windows), as on the local stack (local/handlers.ts).
   */
  oneProcess?: boolean;
  /**
   * Every call and invocation takes the local stack's CPU: one Node process and the emulators
   * on this machine's cores (the calibration only, sim/calibration/local-machine.ts, `round`: cpuOf).
   */
  localMachine?: boolean | { round: number };
}

export class World {
  readonly engine: Engine;
  readonly meter: Meter;
  readonly dynamo: DynamoModel;
  readonly sqs: SqsModel;
  readonly kms: KmsModel;
  /** API Gateway and the API's reserved concurrency, for producers publishing over HTTP. */
  readonly api: ApiGatewayModel;
  readonly scheduler: SchedulerModel;
  readonly receivers: Receivers;
  /** STS and the customers' queues of AWS endpoints (sim/aws/customer.ts). */
  readonly customerAws: CustomerAws;
  readonly config: Config;
  /** Each organization's cohort size k (real events per simulated one). */
  readonly cohort = new Map<string, number>();
  /** Each organization's real events per second. */
  readonly rates = new Map<string, number>();
  /** The cohort interval (ms): the longest k / rate of a group with cohorts (in-flight.ts). */
  cohortIntervalMs = 0;
  /** When the scenario's clock starts (virtual ms; the seeding runs before it). */
  t0 = 0;
  /** Called for every message put on a queue (re-sends included). */
  onEnqueue?: (url: string, tags: { org?: string; endpoint?: string }, k: number) => void;
  private maintenance?: (event: unknown) => Promise<unknown>;
  /** The local stack's compute, when the world stands for it (the calibration). */
  readonly machine?: LocalMachine;
  /** The composition root the seeding and the checks use (not a Lambda instance's). */
  readonly admin: Deps;

  constructor(readonly settings: WorldSettings) {
    this.engine = new Engine(settings.seed);
    if (settings.localMachine) this.machine = new LocalMachine(this.engine, cpuOf(settings.localMachine));
    this.meter = new Meter(this.engine, {
      ofOrg: (org) => this.cohort.get(org) ?? 1,
      rateOf: (org) => this.rates.get(org) ?? 1,
      // The plan as stored (read off the model's table, not metered), the production rule's count.
      shardsOf: (org, sk) =>
        shardsAt(
          planOf(this.dynamo.table.get({ ...keys.shardPlan(org) })?.epochs),
          keyTime(sk ?? "", this.engine.nowMs()),
        ),
      intervalMs: () => this.cohortIntervalMs,
      batchSize: () => ({ ...functions.deliver, ...settings.deliver }).batchSize,
    });
    this.dynamo = new DynamoModel(this.engine, this.meter);
    const weightOf = (body: string) => this.cohort.get(bodyTags(body).org ?? "") ?? 1;
    this.sqs = new SqsModel(this.engine, this.meter, weightOf);
    // The local stack's emulators answer on 127.0.0.1 when their CPU work is done, without AWS's
    // network latency (sim/calibration/local-machine.ts).
    if (this.machine) this.dynamo.latency = this.sqs.latency = false;
    this.kms = new KmsModel(this.engine, this.meter);
    this.api = new ApiGatewayModel(
      this.engine,
      this.meter,
      settings.apiReservedConcurrency ?? API_RESERVED_CONCURRENCY,
    );
    this.scheduler = new SchedulerModel(this.engine, this.meter, this.schedulerTargets(), weightOf);
    this.receivers = new Receivers(this.engine, this.meter, new BatchTail(settings.seed));
    const envelopeWeight = (body: string) =>
      this.cohort.get((JSON.parse(body) as { data?: { sim?: { org?: string } } }).data?.sim?.org ?? "") ?? 1;
    this.customerAws = new CustomerAws(
      this.engine,
      this.meter,
      envelopeWeight,
      () => this.receivers.onRequest,
    );
    this.config = loadConfig({
      AWS_REGION: "us-east-1",
      TABLE_NAME: "Webhooks",
      INGEST_QUEUE_URL: QUEUE.ingest,
      INGEST_DLQ_URL: QUEUE.ingestDlq,
      DELIVERY_QUEUE_URL: QUEUE.delivery,
      DELIVERY_DLQ_URL: QUEUE.deliveryDlq,
      DELIVERY_SLOW_QUEUE_URL: QUEUE.deliverySlow,
      DELIVERY_ORDERED_QUEUE_URL: QUEUE.deliveryOrdered,
      SCHEDULER_MODE: "eventbridge",
      SCHEDULE_GROUP: "sim",
      SCHEDULER_ROLE_ARN: "arn:aws:iam::000000000000:role/sim",
      INGEST_QUEUE_ARN: ARN(QUEUE.ingest),
      DELIVERY_QUEUE_ARN: ARN(QUEUE.delivery),
      MAINTENANCE_FUNCTION_ARN: MAINTENANCE_ARN,
      SECRETS_KMS_KEY_ID: "alias/sim",
      ALLOW_PRIVATE_TARGETS: "true",
      ...settings.env,
    });
    Object.assign(this.config.isolation, settings.isolation);
    this.makeQueues();
    this.admin = this.instance();
  }

  private makeQueues(): void {
    const retention = this.settings.retentionSeconds;
    const kept = (s: SimQueue["settings"]) => (retention ? { ...s, retentionSeconds: retention } : s);
    const q = (url: string, s: SimQueue["settings"]) => this.sqs.queue(url, kept(s));
    const ingestDlq = q(QUEUE.ingestDlq, { ...queues.ingest, maxReceiveCount: Number.POSITIVE_INFINITY });
    const deliveryDlq = q(QUEUE.deliveryDlq, {
      ...queues.delivery,
      maxReceiveCount: Number.POSITIVE_INFINITY,
    });
    q(QUEUE.ingest, queues.ingest).dlq = ingestDlq;
    q(QUEUE.delivery, queues.delivery).dlq = deliveryDlq;
    q(QUEUE.deliverySlow, queues.deliverySlow).dlq = deliveryDlq;
    // The ordered lane's FIFO queue and its FIFO DLQ, in high-throughput mode (infra/queues.ts).
    const fifo = (url: string, s: SimQueue["settings"]) =>
      this.sqs.fifoQueue(url, { ...kept(s), highThroughput: true });
    fifo(QUEUE.deliveryOrdered, queues.deliveryOrdered).dlq = fifo(QUEUE.deliveryOrderedDlq, {
      ...queues.deliveryOrdered,
      maxReceiveCount: Number.POSITIVE_INFINITY,
    });
    const enqueue = this.sqs.enqueue.bind(this.sqs);
    this.sqs.enqueue = (url, body, delay, attrs, fifo) => {
      const tags = bodyTags(body);
      this.onEnqueue?.(url, tags, this.cohort.get(tags.org ?? "") ?? 1);
      return enqueue(url, body, delay, attrs, fifo);
    };
  }

  private schedulerTargets() {
    return {
      queue: (arn: string, body: string) => {
        const url = arn.slice(arn.lastIndexOf(":") + 1);
        this.sqs.enqueue(url, body, 0);
      },
      invoke: async (_arn: string, body: string) => {
        this.maintenance ??= createMaintenanceHandler(this.instance());
        await this.maintenance(body);
      },
    };
  }

  /** One Lambda instance's composition root: its own caches, the shared models. */
  instance(): Deps {
    const doc = this.machine?.client(this.dynamo.doc, "dynamodb") ?? this.dynamo.doc;
    const db = { doc, table: this.config.tableName, now: this.engine.now } as unknown as Db;
    const wrapper = kmsKeyWrapper(this.config.secrets.kmsKeyId!, this.kms.client as unknown as KMSClient);
    db.secrets = createSecretsAtRest(db, () => wrapper, this.engine.nowMs);
    const sqs = (this.machine?.client(this.sqs.client, "fauxqs") ?? this.sqs.client) as unknown as SQSClient;
    const scheduler = eventBridgeScheduler(this.config, {
      client: this.scheduler.client as unknown as SchedulerClient,
      queue: sqsTaskQueue(sqs, this.config.queues),
      now: this.engine.now,
    });
    // The production senders, imported up front: the adapters' lazy `import()` (destination.ts)
    // resolves in wall time, through the loader, while the virtual clock goes on (figures would
    // depend on the machine's speed). AWS endpoints: their SDK clients on the customers' model.
    const aws = awsSender({
      region: this.config.region,
      now: this.engine.now,
      requestHandler: this.customerAws.requestHandler as never,
      ownCredentials: { accessKeyId: "sim", secretAccessKey: "sim" },
    });
    const destination = destinationByType({ send: onLoop(this.machine, sendWebhook) }, aws);
    return createDeps(this.config, { db, sqs, scheduler, now: this.engine.now, destination });
  }

  /** The four event source mappings, with the deployment's settings (core/config/infra.ts). */
  start(): void {
    const account = new Account(this.settings.accountConcurrency);
    const mapping = (
      name: string,
      url: string,
      base: MappingSettings,
      over: Partial<MappingSettings> | undefined,
      make: () => SqsHandler,
    ) => {
      const settings = { ...base, warm: this.settings.warm, ...over };
      const queue = this.sqs.queues.get(url)!;
      const local = this.machine?.eventSource(url, settings, queue);
      return new EventSourceMapping(
        name,
        this.engine,
        this.meter,
        account,
        queue,
        { ...settings, ...local },
        make,
      );
    };
    // The ordered lane sends its records one after another: no batch tail (sim/aws/batch-tail.ts).
    const tail = this.receivers.tail && deliveryTail(this.receivers.tail);
    // One process: each function's handler is built once, on the one composition root.
    const shared = this.settings.oneProcess ? this.instance() : undefined;
    const made = <T>(make: (deps: Deps) => T) => {
      const one = shared && make(shared);
      return () => one ?? make(this.instance());
    };
    const random = this.engine.random;
    mapping("ingest", QUEUE.ingest, functions.ingest, this.settings.ingest, made(createIngestHandler));
    mapping(
      "deliver",
      QUEUE.delivery,
      functions.deliver,
      { tail, ...this.settings.deliver },
      made((d) => createDeliveryHandler(d, { random })),
    );
    mapping(
      "deliver-slow",
      QUEUE.deliverySlow,
      functions.deliverSlow,
      { tail, ...this.settings.deliverSlow },
      made((d) => createDeliveryHandler(d, { lane: "slow", random })),
    );
    mapping(
      "deliver-ordered",
      QUEUE.deliveryOrdered,
      functions.deliverOrdered,
      this.settings.deliverOrdered,
      made((d) => createDeliveryHandler(d, { lane: "ordered", random })),
    );
  }
}
