/**
 * What differs between production and the other stages, and the duration and size strings
 * SST's props take. Every infra/ module runs inside `run()` of sst.config.ts, where SST's
 * globals (`$app`, `sst`, `aws`, `$interpolate`, ...) exist.
 */
export interface Stage {
  isProd: boolean;
  /**
   * Pulumi resource options for things that hold in-flight work or data (messages, pending
   * schedules, the KMS key): `removal: "retain"` does not cover them (docs/deploy.md).
   */
  keep: { retainOnDelete: boolean };
}

export function currentStage(): Stage {
  const isProd = $app.stage === "production";
  return { isProd, keep: { retainOnDelete: isProd } };
}

export const seconds = (n: number) => `${n} seconds` as const;
export const megabytes = (n: number) => `${n} MB` as const;
