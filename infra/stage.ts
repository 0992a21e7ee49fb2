/**
 * What differs between production and the other stages, and the duration and size strings
 * SST's props take. Every infra/ module runs inside `run()` of sst.config.ts, where SST's
 * globals (`$app`, `sst`, `aws`, `$interpolate`, ...) exist.
 */
export interface Stage {
  /** The stage's name (`sst deploy --stage <name>`). */
  name: string;
  isProd: boolean;
  /**
   * The CloudWatch namespace of the service's own metrics, one per stage (`hookrelay/<stage>`),
   * so a dev stage's deliveries never mix with production's figures or trip its alarms.
   */
  metricsNamespace: string;
  /**
   * Pulumi resource options for things that hold in-flight work or data (messages, pending
   * schedules, the KMS key): `removal: "retain"` does not cover them (docs/deploy.md).
   */
  keep: { retainOnDelete: boolean };
}

export function currentStage(): Stage {
  const isProd = $app.stage === "production";
  return {
    name: $app.stage,
    isProd,
    metricsNamespace: `${$app.name}/${$app.stage}`,
    keep: { retainOnDelete: isProd },
  };
}

export const seconds = (n: number) => `${n} seconds` as const;
export const megabytes = (n: number) => `${n} MB` as const;

/** A name operators read (alarm, dashboard): the app and the stage first, so stages never mix. */
export const stageName = (id: string) => `${$app.name}-${$app.stage}-${id}`;
