/// <reference path="./.sst/platform/config.d.ts" />

/**
 * The whole service on AWS: `npx sst deploy --stage <name>`.
 *
 * Every queue, table and function setting comes from core/config/infra.ts, the same module the
 * local stack (`npm start`, tests) is built from, so the emulators run with production's values.
 * Function environments use the exact variable names read by core/config/runtime.ts.
 *
 * Type-checked offline against SST's platform types by `npm run check:infra` (infra/check.mjs).
 * SST forbids top-level imports here: the settings module is loaded inside `run()`.
 */
export default $config({
  app(input) {
    const isProd = input?.stage === "production";
    return {
      name: "hookrelay",
      home: "aws",
      // Production keeps its data when the app is removed (DynamoDB table), and `sst remove`
      // refuses to run at all. Queues and the scheduler pieces are kept by `retainOnDelete` below,
      // because `removal: "retain"` does not cover them.
      removal: isProd ? "retain" : "remove",
      protect: isProd,
      providers: { aws: { region: process.env.AWS_REGION ?? "us-east-1" } },
    };
  },

  async run() {
    const infra = await import("./core/config/infra.js");
    const { queues, functions: fn, table: tableSettings, bundle } = infra;

    const isProd = $app.stage === "production";
    /** Pulumi resource options for things that hold in-flight work (messages, pending schedules). */
    const keep = { retainOnDelete: isProd };
    const seconds = (n: number) => `${n} seconds` as const;
    const megabytes = (n: number) => `${n} MB` as const;

    // ---- defaults for every function created below ----------------------------------------
    // arm64 is ~20 % cheaper per GB-s than x86_64 and the code has no native modules.
    // nodejs24.x: the newest Lambda Node.js runtime (and SST's default); the code targets ES2023.
    // Bundling: minified, lazy code split into chunks, zod in English only (core/config/infra.ts
    // `bundle`, docs/cost.md). A function that sets its own `nodejs` replaces this default
    // entirely, so it spreads `nodejs` into its own.
    const nodejs = {
      minify: bundle.minify,
      splitting: bundle.splitting,
      plugins: bundle.plugins,
      esbuild: { external: [...bundle.external] },
    };
    $transform(sst.aws.Function, (args) => {
      args.runtime ??= "nodejs24.x";
      args.architecture ??= "arm64";
      args.logging ??= { retention: isProd ? "3 months" : "1 week", format: "json" };
      args.nodejs ??= nodejs;
    });

    // ---- secret -----------------------------------------------------------------------------
    // The admin key of the platform organization, accepted on first use (see the README, "First API key"):
    //   npx sst secret set BootstrapApiKey sk_live_$(openssl rand -hex 32) --stage production
    // The empty placeholder means "no bootstrap key": the variable is then left out entirely.
    const bootstrapApiKey = new sst.Secret("BootstrapApiKey", "");
    // Signs customer-portal session tokens (docs/portal.md); without it the portal is off:
    //   npx sst secret set PortalSecret $(openssl rand -base64 32) --stage production
    const portalSecret = new sst.Secret("PortalSecret", "");
    // Origins allowed to embed the portal in an iframe (CSP frame-ancestors), set at deploy time.
    const portalFrameAncestors = process.env.PORTAL_FRAME_ANCESTORS ?? "'self'";

    // ---- DynamoDB: one table, key design in core/store/keys.ts -----------------------------
    const gsi1 = tableSettings.globalIndexes.GSI1;
    const gsi2 = tableSettings.globalIndexes.GSI2;
    const table = new sst.aws.Dynamo(tableSettings.name, {
      fields: {
        [tableSettings.partitionKey]: "string",
        [tableSettings.sortKey]: "string",
        [gsi1.partitionKey]: "string",
        [gsi1.sortKey]: "string",
        [gsi2.partitionKey]: "string",
        [gsi2.sortKey]: "string",
      },
      primaryIndex: { hashKey: tableSettings.partitionKey, rangeKey: tableSettings.sortKey },
      // GSI1 returns whole (small) items; GSI2, the recovery index, only keys (docs/cost.md).
      globalIndexes: {
        GSI1: { hashKey: gsi1.partitionKey, rangeKey: gsi1.sortKey, projection: gsi1.projection },
        GSI2: { hashKey: gsi2.partitionKey, rangeKey: gsi2.sortKey, projection: gsi2.projection },
      },
      ttl: tableSettings.ttlAttribute,
      deletionProtection: isProd,
      // Billing is always on-demand with sst.aws.Dynamo; PITR is on by default, made explicit here.
      transform: {
        table: (args) => {
          args.pointInTimeRecovery = { enabled: true, recoveryPeriodInDays: isProd ? 35 : 7 };
        },
      },
    });

    // ---- SQS: ingest and delivery queues, each with a DLQ ------------------------------------
    // sst.aws.Queue has no retention or size prop: both go through `transform.queue`. The
    // provider's default size is 256 KiB; a delivery task carries the whole body, so 1 MiB.
    const queueWithDlq = (q: (typeof queues)[keyof typeof queues]) => {
      const dlq = new sst.aws.Queue(
        q.dlq.name,
        {
          transform: {
            queue: { messageRetentionSeconds: q.dlq.retentionSeconds, maxMessageSize: q.maxMessageBytes },
          },
        },
        keep,
      );
      const queue = new sst.aws.Queue(
        q.name,
        {
          visibilityTimeout: seconds(q.visibilityTimeoutSeconds),
          dlq: { queue: dlq.arn, retry: q.maxReceiveCount },
          transform: {
            queue: { messageRetentionSeconds: q.retentionSeconds, maxMessageSize: q.maxMessageBytes },
          },
        },
        keep,
      );
      return { queue, dlq };
    };
    const { queue: ingestQueue, dlq: ingestDlq } = queueWithDlq(queues.ingest);
    const { queue: deliveryQueue, dlq: deliveryDlq } = queueWithDlq(queues.delivery);
    // The slow lane (docs/delivery.md): its own queue, sharing the delivery DLQ.
    const slowQueue = new sst.aws.Queue(
      queues.deliverySlow.name,
      {
        visibilityTimeout: seconds(queues.deliverySlow.visibilityTimeoutSeconds),
        dlq: { queue: deliveryDlq.arn, retry: queues.deliverySlow.maxReceiveCount },
        transform: {
          queue: {
            messageRetentionSeconds: queues.deliverySlow.retentionSeconds,
            maxMessageSize: queues.deliverySlow.maxMessageBytes,
          },
        },
      },
      keep,
    );
    // Where EventBridge Scheduler puts an invocation it gave up on (after 24 h of retries).
    const schedulerDlq = new sst.aws.Queue(
      "SchedulerDlq",
      {
        transform: {
          queue: {
            messageRetentionSeconds: infra.SQS_MAX_RETENTION_SECONDS,
            maxMessageSize: infra.SQS_MAX_MESSAGE_BYTES,
          },
        },
      },
      keep,
    );

    // ---- KMS key wrapping each organization's data key for signing secrets at rest -------------
    // Envelope encryption (core/store/secrets-at-rest.ts, docs/security.md): the table holds wrapped
    // data keys only. Retained in production like the table: losing it loses every secret.
    const secretsKey = new aws.kms.Key(
      "SecretsKey",
      { description: `${$app.name}-${$app.stage} signing secrets at rest`, enableKeyRotation: true },
      keep,
    );

    // ---- EventBridge Scheduler: group + the role schedules run as -----------------------------
    // Raw Pulumi (SST has no component for either). `namePrefix` lets Pulumi add a unique suffix,
    // so a group retained in production never blocks a later deploy with a name clash.
    const groupPrefix = `${$app.name}-${$app.stage}`.slice(0, 36); // + 1 + 26 generated <= 64
    const scheduleGroup = new aws.scheduler.ScheduleGroup(
      "ScheduleGroup",
      { namePrefix: `${groupPrefix}-` },
      keep,
    );
    const account = aws.getCallerIdentityOutput().accountId;
    const schedulerRole = new aws.iam.Role(
      "SchedulerRole",
      {
        description: "Assumed by EventBridge Scheduler to run the service's one-time schedules",
        assumeRolePolicy: aws.iam.getPolicyDocumentOutput({
          statements: [
            {
              actions: ["sts:AssumeRole"],
              principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }],
              // Confused-deputy guard: only schedules of this account's group may assume it.
              conditions: [
                { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
                { test: "ArnEquals", variable: "aws:SourceArn", values: [scheduleGroup.arn] },
              ],
            },
          ],
        }).json,
      },
      keep,
    );
    // One policy mechanism on the role: separate RolePolicy resources only (the provider documents
    // inline policies and RolePolicy on one role as incompatible: they overwrite each other).
    new aws.iam.RolePolicy("SchedulerSendToQueues", {
      role: schedulerRole.id,
      policy: aws.iam.getPolicyDocumentOutput({
        statements: [
          {
            actions: ["sqs:SendMessage"],
            resources: [ingestQueue.arn, deliveryQueue.arn, schedulerDlq.arn],
          },
        ],
      }).json,
    });
    // arn:aws:scheduler:REGION:ACCOUNT:schedule-group/NAME -> arn:aws:scheduler:REGION:ACCOUNT:schedule/NAME/*
    const schedulesInGroup = scheduleGroup.arn.apply(
      (arn) => `${arn.replace(":schedule-group/", ":schedule/")}/*`,
    );

    // ---- what every function may do ---------------------------------------------------------
    const permissions = [
      {
        // Data-plane only: no DescribeTable/UpdateTable/DeleteTable. Transactions need no extra action.
        actions: [
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:Query",
          "dynamodb:Scan",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:BatchWriteItem",
          "dynamodb:ConditionCheckItem",
        ],
        resources: [table.arn, $interpolate`${table.arn}/index/*`],
      },
      {
        // Publish (SendMessageBatch is authorized as SendMessage) to the queues and their DLQs.
        // Consumers additionally get Receive/Delete/ChangeMessageVisibility on their own queue
        // from `subscribe()`.
        actions: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        resources: [ingestQueue.arn, ingestDlq.arn, deliveryQueue.arn, deliveryDlq.arn, slowQueue.arn],
      },
      {
        // Data keys only (GenerateDataKey on first use per organization, Decrypt on cold cache).
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [secretsKey.arn],
      },
      {
        actions: ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"],
        resources: [schedulesInGroup],
      },
      {
        actions: ["iam:PassRole"],
        resources: [schedulerRole.arn],
        conditions: [
          { test: "StringEquals", variable: "iam:PassedToService", values: ["scheduler.amazonaws.com"] },
        ],
      },
    ];

    // Names exactly as core/config/runtime.ts reads them. AWS_REGION is set by Lambda itself.
    const environment: Record<string, $util.Input<string>> = {
      TABLE_NAME: table.name,
      INGEST_QUEUE_URL: ingestQueue.url,
      INGEST_DLQ_URL: ingestDlq.url,
      DELIVERY_QUEUE_URL: deliveryQueue.url,
      DELIVERY_DLQ_URL: deliveryDlq.url,
      DELIVERY_SLOW_QUEUE_URL: slowQueue.url,
      SCHEDULER_DLQ_ARN: schedulerDlq.arn,
      INGEST_QUEUE_ARN: ingestQueue.arn,
      DELIVERY_QUEUE_ARN: deliveryQueue.arn,
      SCHEDULER_MODE: "eventbridge",
      SECRETS_KMS_KEY_ID: secretsKey.arn,
      SCHEDULE_GROUP: scheduleGroup.name,
      SCHEDULER_ROLE_ARN: schedulerRole.arn,
      // Production-safe: no delivery to private addresses, no plain-http localhost endpoints.
      ALLOW_PRIVATE_TARGETS: "false",
      ALLOW_HTTP_LOCALHOST: "false",
      SERVICE_NAME: $app.name,
      LOG_LEVEL: isProd ? "INFO" : "DEBUG",
    };

    // ---- scheduled work: invoked by one-time schedules with a JSON event ----------------------
    // 512 MB / 60 s: it runs rarely (deliver_at releases, the auto-disable timer) and may page
    // through an endpoint's deliveries; it is not latency-sensitive.
    const scheduled = new sst.aws.Function("Scheduled", {
      handler: "functions/scheduled.handler",
      description: "One-time schedules: deliver_at releases, endpoint auto-disable timers",
      memory: megabytes(fn.scheduled.memoryMb),
      timeout: seconds(fn.scheduled.timeoutSeconds),
      environment,
      permissions,
    });
    // Its own ARN (it may schedule further maintenance) can only be added after it exists.
    scheduled.addEnvironment({ MAINTENANCE_FUNCTION_ARN: scheduled.arn });
    // A separate policy (like every statement of this role): the function's environment already
    // depends on the role ARN, so an inline statement naming the function would be a cycle.
    new aws.iam.RolePolicy("SchedulerInvokeScheduled", {
      role: schedulerRole.id,
      policy: aws.iam.getPolicyDocumentOutput({
        statements: [{ actions: ["lambda:InvokeFunction"], resources: [scheduled.arn] }],
      }).json,
    });

    const withMaintenance = { ...environment, MAINTENANCE_FUNCTION_ARN: scheduled.arn };

    // ---- HTTP API: Hono behind a catch-all route ----------------------------------------------
    // 1024 MB: Lambda CPU scales with memory, and the API's cold start (zod schemas, OpenAPI) and
    // p99 latency improve markedly up to ~1 GB; requests are short, so the GB-s cost stays small.
    // 29 s: API Gateway HTTP APIs cut integrations at 30 s.
    const api = new sst.aws.ApiGatewayV2("Api", {
      // Bearer tokens, no cookies: any origin may call. `authorization` cannot be wildcarded.
      cors: {
        allowOrigins: ["*"],
        allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allowHeaders: ["authorization", "x-api-key", "content-type", "idempotency-key"],
        maxAge: "1 day",
      },
      accessLog: { retention: isProd ? "3 months" : "1 week" },
    });
    const apiRoute = api.route("$default", {
      handler: "functions/api.handler",
      description: "HTTP API (Hono)",
      // /docs reads swagger-ui's assets from the package at run time (core/api/docs.ts): installed
      // next to the bundle instead of bundled, so they add nothing to the API's code size.
      nodejs: { ...nodejs, install: ["swagger-ui-dist"] },
      memory: megabytes(fn.api.memoryMb),
      timeout: seconds(fn.api.timeoutSeconds),
      // The bootstrap key and the portal secret are added only when the secrets have values.
      environment: $resolve([bootstrapApiKey.value, portalSecret.value]).apply(([key, portal]) => ({
        ...withMaintenance,
        PORTAL_FRAME_ANCESTORS: portalFrameAncestors,
        ...(key ? { BOOTSTRAP_API_KEY: key } : {}),
        ...(portal ? { PORTAL_SECRET: portal } : {}),
      })),
      permissions,
    });

    // ---- ingest: validate, store, fan out one task per matching endpoint ----------------------
    // 512 MB / 20 s: a batch of 10 small JSON messages needs a few DynamoDB calls and one
    // SendMessageBatch per 10 tasks; the time limit only bounds a stuck batch.
    const ingest = ingestQueue.subscribe(
      {
        handler: "functions/ingest.handler",
        description: "Ingest queue consumer: validate, store, fan out",
        memory: megabytes(fn.ingest.memoryMb),
        timeout: seconds(fn.ingest.timeoutSeconds),
        environment: withMaintenance,
        permissions,
      },
      {
        batch: {
          size: fn.ingest.batchSize,
          window: seconds(fn.ingest.batchWindowSeconds),
          partialResponses: true,
        },
        transform: {
          eventSourceMapping: { scalingConfig: { maximumConcurrency: fn.ingest.maxConcurrency } },
        },
      },
    );

    // ---- delivery: sign and POST, retries held by SQS visibility ------------------------------
    // 1024 MB: the records of a batch are sent concurrently, and TLS handshakes plus HMAC signing
    // are CPU-bound, so more memory (= more CPU) shortens the billed time of I/O-heavy batches.
    // 130 s: the longest endpoint timeout is 120 s, plus the writes that record the outcome.
    const deliver = deliveryQueue.subscribe(
      {
        handler: "functions/deliver.handler",
        description: "Delivery queue consumer: sign, send, record, retry",
        memory: megabytes(fn.deliver.memoryMb),
        timeout: seconds(fn.deliver.timeoutSeconds),
        environment: withMaintenance,
        permissions,
      },
      {
        batch: {
          size: fn.deliver.batchSize,
          window: seconds(fn.deliver.batchWindowSeconds),
          partialResponses: true,
        },
        transform: {
          // Caps the load on receivers and on the account's Lambda concurrency.
          eventSourceMapping: { scalingConfig: { maximumConcurrency: fn.deliver.maxConcurrency } },
        },
      },
    );

    // ---- the slow lane: endpoints whose attempts outlast the shared lane's budget ---------------
    // Same code, its own queue and a smaller concurrency: a slow or hanging endpoint can hold at
    // most this function's invocations, never the shared lane's (docs/delivery.md).
    const deliverSlow = slowQueue.subscribe(
      {
        handler: "functions/deliver-slow.handler",
        description: "Slow delivery lane: endpoints whose recent attempts were slow or timed out",
        memory: megabytes(fn.deliverSlow.memoryMb),
        timeout: seconds(fn.deliverSlow.timeoutSeconds),
        environment: withMaintenance,
        permissions,
      },
      {
        batch: {
          size: fn.deliverSlow.batchSize,
          window: seconds(fn.deliverSlow.batchWindowSeconds),
          partialResponses: true,
        },
        transform: {
          eventSourceMapping: { scalingConfig: { maximumConcurrency: fn.deliverSlow.maxConcurrency } },
        },
      },
    );

    // ---- publishing from other stacks -------------------------------------------------------
    // Attach this managed policy to a producer's role to let it publish events.
    const producerPolicy = new aws.iam.Policy("IngestProducerPolicy", {
      description: $interpolate`Publish events to the ${$app.name} (${$app.stage}) ingest queue`,
      policy: aws.iam.getPolicyDocumentOutput({
        statements: [{ actions: ["sqs:SendMessage", "sqs:GetQueueUrl"], resources: [ingestQueue.arn] }],
      }).json,
    });

    // ---- alarms -----------------------------------------------------------------------------
    const alerts = new sst.aws.SnsTopic("Alerts");
    if (process.env.ALERT_EMAIL) {
      // The address receives a confirmation mail; alarms arrive only after it is confirmed.
      new aws.sns.TopicSubscription("AlertsEmail", {
        topic: alerts.arn,
        protocol: "email",
        endpoint: process.env.ALERT_EMAIL,
      });
    }
    // Every alarm fires on any occurrence within 5 minutes and reports to the topic.
    const anyOccurrence = {
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [alerts.arn],
      okActions: [alerts.arn],
    };
    const dlqs = [
      ["IngestDlqDepth", ingestDlq, "Ingest messages that could not be processed"],
      ["DeliveryDlqDepth", deliveryDlq, "Deliveries that exhausted their retries or crashed repeatedly"],
    ] as const;
    for (const [id, dlq, what] of dlqs) {
      new aws.cloudwatch.MetricAlarm(id, {
        ...anyOccurrence,
        alarmDescription: $interpolate`${what}: messages in ${dlq.nodes.queue.name}`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: dlq.nodes.queue.name },
        statistic: "Maximum",
      });
    }
    new aws.cloudwatch.MetricAlarm("SchedulerDlqDepth", {
      ...anyOccurrence,
      alarmDescription: $interpolate`Scheduled releases or timers that failed for 24 h: messages in ${schedulerDlq.nodes.queue.name}`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: schedulerDlq.nodes.queue.name },
      statistic: "Maximum",
    });
    // Failed webhooks are reported per record (partial batch responses), so Lambda `Errors` counts
    // only crashes and timeouts of a function itself: any, of any function, is worth a look.
    const functionsToWatch = [
      ["ApiFunctionErrors", apiRoute.nodes.function, "The API function"],
      ["IngestFunctionErrors", ingest.nodes.function, "The ingest function"],
      ["DeliverFunctionErrors", deliver.nodes.function, "The delivery function"],
      ["DeliverSlowFunctionErrors", deliverSlow.nodes.function, "The slow-lane delivery function"],
      ["ScheduledFunctionErrors", scheduled.nodes.function, "The scheduled-work function"],
    ] as const;
    for (const [id, fnNode, what] of functionsToWatch) {
      new aws.cloudwatch.MetricAlarm(id, {
        ...anyOccurrence,
        alarmDescription: `${what} crashed or timed out`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: fnNode.name },
        statistic: "Sum",
      });
    }
    // The limits that would stall delivery silently (docs/delivery.md, "Limits and alarms").
    const deliveryQueues = [
      ["Ingest", ingestQueue],
      ["Delivery", deliveryQueue],
      ["DeliverySlow", slowQueue],
    ] as const;
    for (const [id, q] of deliveryQueues) {
      // Past ~120,000 in-flight messages receives come back empty, with no error: warn at 80 %.
      new aws.cloudwatch.MetricAlarm(`${id}InFlightHigh`, {
        ...anyOccurrence,
        threshold: Math.floor(infra.SQS_MAX_IN_FLIGHT * 0.8),
        alarmDescription: $interpolate`In-flight messages above 80 % of the SQS cap on ${q.nodes.queue.name}`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesNotVisible",
        dimensions: { QueueName: q.nodes.queue.name },
        statistic: "Maximum",
      });
      // Waits longer than 15 min are never on the queue (re-sends, scheduler): an older message
      // means consumers are not keeping up or not receiving.
      new aws.cloudwatch.MetricAlarm(`${id}OldestMessage`, {
        ...anyOccurrence,
        threshold: infra.SQS_MAX_DELAY_SECONDS + 5 * 60,
        alarmDescription: $interpolate`Oldest message older than 20 min on ${q.nodes.queue.name}`,
        namespace: "AWS/SQS",
        metricName: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: q.nodes.queue.name },
        statistic: "Maximum",
      });
    }
    for (const metricName of ["ReadThrottleEvents", "WriteThrottleEvents"]) {
      new aws.cloudwatch.MetricAlarm(`Table${metricName}`, {
        ...anyOccurrence,
        alarmDescription: $interpolate`DynamoDB throttled requests (${metricName}) on ${table.name}`,
        namespace: "AWS/DynamoDB",
        metricName,
        dimensions: { TableName: table.name },
        statistic: "Sum",
      });
    }
    for (const metricName of ["TargetErrorCount", "InvocationDroppedCount"]) {
      new aws.cloudwatch.MetricAlarm(`Scheduler${metricName}`, {
        ...anyOccurrence,
        alarmDescription: $interpolate`EventBridge Scheduler ${metricName} in ${scheduleGroup.name}`,
        namespace: "AWS/Scheduler",
        metricName,
        dimensions: { ScheduleGroup: scheduleGroup.name },
        statistic: "Sum",
      });
    }

    return {
      api: api.url,
      table: table.name,
      ingestQueueUrl: ingestQueue.url,
      ingestQueueArn: ingestQueue.arn,
      ingestProducerPolicyArn: producerPolicy.arn,
      deliveryQueueUrl: deliveryQueue.url,
      deliverySlowQueueUrl: slowQueue.url,
      schedulerDlqUrl: schedulerDlq.url,
      deliveryDlqUrl: deliveryDlq.url,
      ingestDlqUrl: ingestDlq.url,
      scheduleGroup: scheduleGroup.name,
      alertsTopicArn: alerts.arn,
    };
  },
});
