/// <reference path="./.sst/platform/config.d.ts" />

/**
 * The whole service on AWS: `npx sst deploy --stage <name>`.
 *
 * Every queue, table and function setting comes from core/config/infra.ts, the same module the
 * local stack (`npm start`, tests) is built from, so the emulators run with production's values.
 * Function environments use the exact variable names read by core/config/runtime.ts.
 *
 * The resources are built by the modules under infra/ (one concern each, docs/design.md); `run`
 * only composes them. SST forbids top-level imports here, so they are loaded inside `run()`.
 * Type-checked offline against SST's platform types by `npm run check:infra` (infra/check.mjs);
 * test/infra-settings.unit.test.ts runs `run` against a recording stand-in of SST.
 */
export default $config({
  app(input) {
    const isProd = input?.stage === "production";
    return {
      name: "hookrelay",
      home: "aws",
      // Production keeps its data when the app is removed (DynamoDB table), and `sst remove`
      // refuses to run at all. Queues and the scheduler pieces are kept by `retainOnDelete` (infra/stage.ts),
      // because `removal: "retain"` does not cover them.
      removal: isProd ? "retain" : "remove",
      protect: isProd,
      providers: { aws: { region: process.env.AWS_REGION ?? "us-east-1" } },
    };
  },

  async run() {
    const { currentStage } = await import("./infra/stage.js");
    const { createTable, createSecretsKey } = await import("./infra/tables.js");
    const { createQueues, createProducerPolicy } = await import("./infra/queues.js");
    const { createScheduler, allowInvoke, scheduleFanoutSweep } = await import("./infra/scheduler.js");
    const { functionEnvironment, functionPermissions } = await import("./infra/access.js");
    const { setFunctionDefaults, createScheduledFunction, createConsumers } = await import(
      "./infra/functions.js"
    );
    const { createApi } = await import("./infra/api.js");
    const { createOperationalBus } = await import("./infra/operational.js");
    const { createAlarms } = await import("./infra/alarms.js");
    const { createDashboard } = await import("./infra/dashboard.js");

    const stage = currentStage();
    setFunctionDefaults(stage); // before any function is created
    const table = createTable(stage);
    const queues = createQueues(stage);
    const secretsKey = createSecretsKey(stage);
    const scheduler = createScheduler(stage, queues);

    const operationalBus = createOperationalBus();
    const reach = { table, queues, secretsKey, scheduler, operationalBus };
    const permissions = functionPermissions(reach);
    const environment = functionEnvironment(reach, stage);
    const scheduled = createScheduledFunction(environment, permissions, queues.schedulerDlq);
    allowInvoke(scheduler, scheduled);
    scheduleFanoutSweep(scheduler, scheduled);
    const withMaintenance = { ...environment, MAINTENANCE_FUNCTION_ARN: scheduled.arn };
    const { api, route } = createApi(stage, withMaintenance, permissions);
    const consumers = createConsumers(queues, { environment: withMaintenance, permissions });
    const producerPolicy = createProducerPolicy(queues.ingest);
    const watched = {
      stage,
      queues,
      table,
      scheduler,
      api,
      functions: { api: route, ...consumers, scheduled },
    };
    const alerts = createAlarms(watched);
    const dashboard = createDashboard(watched);

    return {
      api: api.url,
      table: table.name,
      ingestQueueUrl: queues.ingest.url,
      ingestQueueArn: queues.ingest.arn,
      ingestProducerPolicyArn: producerPolicy.arn,
      deliveryQueueUrl: queues.delivery.url,
      deliverySlowQueueUrl: queues.deliverySlow.url,
      schedulerDlqUrl: queues.schedulerDlq.url,
      deliveryDlqUrl: queues.deliveryDlq.url,
      ingestDlqUrl: queues.ingestDlq.url,
      scheduleGroup: scheduler.group.name,
      alertsTopicArn: alerts.arn,
      operationalEventBus: operationalBus.name,
      dashboard: dashboard.dashboardName,
    };
  },
});
