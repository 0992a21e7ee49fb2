/** DynamoDB: one table; its key design is in core/store/keys.ts. */
import { table as settings } from "../core/config/infra.js";
import type { Stage } from "./stage.js";

export function createTable(stage: Stage): sst.aws.Dynamo {
  const gsi1 = settings.globalIndexes.GSI1;
  const gsi2 = settings.globalIndexes.GSI2;
  return new sst.aws.Dynamo(settings.name, {
    fields: {
      [settings.partitionKey]: "string",
      [settings.sortKey]: "string",
      [gsi1.partitionKey]: "string",
      [gsi1.sortKey]: "string",
      [gsi2.partitionKey]: "string",
      [gsi2.sortKey]: "string",
    },
    primaryIndex: { hashKey: settings.partitionKey, rangeKey: settings.sortKey },
    // GSI1 returns whole (small) items; GSI2, the recovery index, only keys (docs/cost.md).
    globalIndexes: {
      GSI1: { hashKey: gsi1.partitionKey, rangeKey: gsi1.sortKey, projection: gsi1.projection },
      GSI2: { hashKey: gsi2.partitionKey, rangeKey: gsi2.sortKey, projection: gsi2.projection },
    },
    ttl: settings.ttlAttribute,
    deletionProtection: stage.isProd,
    // Billing is always on-demand with sst.aws.Dynamo; PITR is on by default, made explicit here.
    transform: {
      table: (args) => {
        args.pointInTimeRecovery = { enabled: true, recoveryPeriodInDays: stage.isProd ? 35 : 7 };
      },
    },
  });
}

/**
 * The KMS key wrapping each organization's data key for signing secrets at rest. Envelope
 * encryption (core/store/secrets-at-rest.ts, docs/security.md): the table holds wrapped data
 * keys only. Retained in production like the table: losing it loses every secret.
 */
export function createSecretsKey(stage: Stage): aws.kms.Key {
  return new aws.kms.Key(
    "SecretsKey",
    { description: `${$app.name}-${$app.stage} signing secrets at rest`, enableKeyRotation: true },
    stage.keep,
  );
}
