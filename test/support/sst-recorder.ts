/**
 * A recording stand-in for SST's `run()` globals (`sst`, `aws`, `$app`, `$interpolate`, ...),
 * so a test can run the real sst.config.ts and infra/ modules offline and inspect every
 * resource they would create, with the exact args and options.
 *
 * Outputs are `Out` values. A resource attribute nobody set is the symbolic string
 * "<Name>.<attr>" (e.g. "DeliveryQueue.arn"), so a test can see which resource an ARN, a URL
 * or a name in another resource's args points at. Policy documents keep their statements.
 * Only what the config uses is modelled; `npm run check:infra` checks the real types.
 */

/** A Pulumi Output stand-in: a known value, with `apply`. */
export class Out<T = unknown> {
  constructor(readonly value: T) {}
  apply<U>(fn: (value: T) => U | Out<U>): Out<U> {
    const next = fn(this.value);
    return next instanceof Out ? next : new Out(next);
  }
  toString(): string {
    return String(this.value);
  }
}

/** The plain value behind an `Out` (recursively through arrays and objects). */
export function unwrap(v: unknown): unknown {
  if (v instanceof Out) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  }
  return v;
}

export interface Recorded {
  kind: string;
  name: string;
  args: Record<string, unknown>;
  opts: Record<string, unknown> | undefined;
}

export interface Recording {
  resources: Recorded[];
  transforms: { kind: string; fn: (args: Record<string, unknown>) => void }[];
  /** Resources of one kind. */
  all(kind: string): Recorded[];
  /** The one resource of that kind and name (throws otherwise). */
  one(kind: string, name: string): Recorded;
}

function recording(): Recording {
  const resources: Recorded[] = [];
  return {
    resources,
    transforms: [],
    all: (kind) => resources.filter((r) => r.kind === kind),
    one(kind, name) {
      const found = resources.filter((r) => r.kind === kind && r.name === name);
      if (found.length !== 1) throw new Error(`${found.length} resources ${kind} "${name}"`);
      return found[0]!;
    },
  };
}

/** A resource class: records each construction; unknown attributes are symbolic outputs. */
function resourceClass(rec: Recording, kind: string, extra?: (name: string, r: Recorded) => object) {
  return class {
    constructor(name: string, args: Record<string, unknown> = {}, opts?: Record<string, unknown>) {
      const r: Recorded = { kind, name, args, opts };
      rec.resources.push(r);
      const known: Record<string | symbol, unknown> = { ...(extra?.(name, r) ?? {}) };
      // biome-ignore lint/correctness/noConstructorReturn: the instance is a recording proxy
      return new Proxy(known, {
        get: (target, prop) => {
          if (prop in target) return target[prop];
          if (typeof prop !== "string" || prop === "then") return undefined;
          return new Out(`${name}.${prop}`);
        },
      });
    }
  };
}

const fnNode = (name: string) => ({ nodes: { function: { name: new Out(`${name}.functionName`) } } });

/** Installs the globals on `globalThis` for one stage; `restore` removes them. */
export function installSst(stage: string): { rec: Recording; restore: () => void } {
  const rec = recording();
  const R = (kind: string, extra?: (name: string, r: Recorded) => object) => resourceClass(rec, kind, extra);
  const sst = {
    Secret: R("sst.Secret", (name, r) => {
      // `new sst.Secret(name, placeholder)`: the placeholder is the second argument.
      const placeholder = r.args as unknown as string;
      r.args = { placeholder };
      return { value: new Out(placeholder ?? `${name}.value`) };
    }),
    aws: {
      Dynamo: R("sst.aws.Dynamo"),
      SnsTopic: R("sst.aws.SnsTopic"),
      Queue: R("sst.aws.Queue", (name) => ({
        nodes: { queue: { name: new Out(`${name}.queueName`) } },
        subscribe: (fn: Record<string, unknown>, args: Record<string, unknown>) => {
          rec.resources.push({
            kind: "subscriber",
            name: `${name}Subscriber`,
            args: { queue: name, fn, ...args },
            opts: undefined,
          });
          return fnNode(`${name}Subscriber`);
        },
      })),
      Function: R("sst.aws.Function", (name, r) => ({
        ...fnNode(name),
        addEnvironment: (env: Record<string, unknown>) => {
          r.args = { ...r.args, environment: { ...(r.args.environment as object), ...env } };
        },
      })),
      ApiGatewayV2: R("sst.aws.ApiGatewayV2", (name) => ({
        nodes: { api: { id: new Out(`${name}.apiId`) } },
        route: (path: string, fn: Record<string, unknown>) => {
          rec.resources.push({ kind: "route", name: `${name}${path}`, args: { path, fn }, opts: undefined });
          return fnNode(`${name}Route`);
        },
      })),
    },
  };
  const aws = {
    kms: { Key: R("aws.kms.Key") },
    scheduler: {
      ScheduleGroup: R("aws.scheduler.ScheduleGroup", (name) => ({
        arn: new Out(`arn:aws:scheduler:us-east-1:123456789012:schedule-group/${name}`),
      })),
      Schedule: R("aws.scheduler.Schedule"),
    },
    iam: {
      Role: R("aws.iam.Role"),
      RolePolicy: R("aws.iam.RolePolicy"),
      RolePolicyAttachment: R("aws.iam.RolePolicyAttachment"),
      Policy: R("aws.iam.Policy"),
      getPolicyDocumentOutput: (doc: unknown) => ({ json: new Out(doc) }),
    },
    sns: { TopicSubscription: R("aws.sns.TopicSubscription") },
    lambda: { FunctionEventInvokeConfig: R("aws.lambda.FunctionEventInvokeConfig") },
    cloudwatch: {
      MetricAlarm: R("aws.cloudwatch.MetricAlarm"),
      EventBus: R("aws.cloudwatch.EventBus", (_name, r) => ({ name: r.args.name })),
      Dashboard: R("aws.cloudwatch.Dashboard", (_name, r) => ({ dashboardName: r.args.dashboardName })),
    },
    getCallerIdentityOutput: () => ({ accountId: new Out("123456789012") }),
    getRegionOutput: () => ({ region: new Out("us-east-1") }),
    getPartitionOutput: () => ({ partition: new Out("aws") }),
  };
  const globals: Record<string, unknown> = {
    sst,
    aws,
    $app: { name: "hookrelay", stage },
    $config: (config: unknown) => config,
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) =>
      new Out(
        strings.reduce((s, part, i) => s + part + (i < values.length ? String(unwrap(values[i])) : ""), ""),
      ),
    $resolve: (values: unknown[]) => new Out(values.map(unwrap)),
    $transform: (cls: unknown, fn: (args: Record<string, unknown>) => void) => {
      const kind = cls === sst.aws.Function ? "sst.aws.Function" : "other";
      rec.transforms.push({ kind, fn });
    },
  };
  const g = globalThis as Record<string, unknown>;
  const before = Object.fromEntries(Object.keys(globals).map((k) => [k, g[k]]));
  Object.assign(g, globals);
  return {
    rec,
    restore: () => {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete g[k];
        else g[k] = v;
      }
    },
  };
}

export interface SstConfig {
  app(input: { stage: string }): Record<string, unknown>;
  run(): Promise<Record<string, unknown>>;
}

/** The resources sst.config.ts's `run()` creates for `stage` (with `env` set meanwhile), and its outputs. */
export async function deploy(stage: string, env: Record<string, string> = {}) {
  const { rec, restore } = installSst(stage);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    // A URL, so the type-checker does not follow it into files that need SST's own types.
    const url = new URL("../../sst.config.ts", import.meta.url).href;
    const config = (await import(/* @vite-ignore */ url)).default as SstConfig;
    const outputs = unwrap(await config.run()) as Record<string, string>;
    return { rec, outputs, config };
  } finally {
    restore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
