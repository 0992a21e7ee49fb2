/**
 * Cold start: each Lambda entry in functions/ bundled the way SST's Go bundler does it
 * (pkg/runtime/node/build.go: esbuild, bundle, platform node, ESM, target from the runtime:
 * nodejs24.x → es2024, keepNames, the ESM `require`/`__filename`/`__dirname` banner, and
 * `minify`, `splitting`, the plugins and the externals of core/config/infra.ts `bundle`, as
 * sst.config.ts sets them), then the bundle's size and its module-init time (the dynamic `import()` of the
 * bundle) in a fresh `node` process, median of several runs.
 *
 * The bundles are written under node_modules/.cache, so externals (packages the Lambda runtime
 * provides from its own node_modules) resolve to the project's copies and their load time is
 * part of the measured init, as it would be on Lambda.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import { bundle } from "../core/config/infra.js";
import plugins from "../infra/bundle-plugins.mjs";
import { progress } from "./progress.js";
import { median, round } from "./stats.js";

const run = promisify(execFile);

export const FUNCTIONS = ["api", "ingest", "deliver", "scheduled"] as const;

const BANNER = [
  "import { createRequire as topLevelCreateRequire } from 'module';",
  "const require = topLevelCreateRequire(import.meta.url);",
  "import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from 'url';",
  "const __filename = topLevelFileUrlToPath(import.meta.url);",
  "const __dirname = topLevelFileUrlToPath(new topLevelURL('.', import.meta.url));",
].join("\n");

/** What the functions read at init (core/config/runtime.ts), set to dummy values. */
const DUMMY_ENV: Record<string, string> = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "dummy",
  AWS_SECRET_ACCESS_KEY: "dummy",
  AWS_LAMBDA_FUNCTION_NAME: "bench",
  TABLE_NAME: "Webhooks",
  INGEST_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/IngestQueue",
  INGEST_DLQ_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/IngestDlq",
  DELIVERY_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/DeliveryQueue",
  DELIVERY_DLQ_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/DeliveryDlq",
  INGEST_QUEUE_ARN: "arn:aws:sqs:us-east-1:000000000000:IngestQueue",
  DELIVERY_QUEUE_ARN: "arn:aws:sqs:us-east-1:000000000000:DeliveryQueue",
  SCHEDULER_MODE: "eventbridge",
  SCHEDULE_GROUP: "bench",
  SCHEDULER_ROLE_ARN: "arn:aws:iam::000000000000:role/bench",
  MAINTENANCE_FUNCTION_ARN: "arn:aws:lambda:us-east-1:000000000000:function:bench",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

export interface ColdStartResult {
  name: string;
  /** Missing entry file or failed build/import: why. */
  error?: string;
  /** Code loaded at cold start: the entry chunk and the chunks it imports statically (KB). */
  bundleKb?: number;
  /** Chunks behind a dynamic `import()`, loaded on first use (KB). */
  lazyKb?: number;
  /** Largest inputs loaded at cold start (KB after minification), for the explanation of a miss. */
  topInputs?: { path: string; kb: number }[];
  /** Wall time of the import (what Lambda reports as Init Duration), median. */
  initMs?: number;
  initRunsMs?: number[];
  /** CPU time of the process during the import, median: less sensitive to a busy machine. */
  initCpuMs?: number;
}

const INIT_SCRIPT = `
const c = process.cpuUsage();
const t = performance.now();
const m = await import(process.argv[1]);
const ms = performance.now() - t;
const cpu = process.cpuUsage(c);
if (typeof m.handler !== "function") throw new Error("no handler export");
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000 }));
`;

/** The output files an `import()` of `entry` loads: it and its static imports, transitively. */
function loadedAtInit(meta: Metafile, entry: string): Set<string> {
  const byPath = new Map(Object.entries(meta.outputs).map(([file, o]) => [resolve(file), o]));
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of byPath.get(file)?.imports ?? []) {
      if (imp.kind === "import-statement" && !imp.external) visit(resolve(imp.path));
    }
  };
  visit(resolve(entry));
  return seen;
}

interface Entry {
  name: string;
  /** A file, or TypeScript source bundled from the project root. */
  file?: string;
  source?: string;
}

async function measure(entry: Entry, out: string, root: string, runs: number): Promise<ColdStartResult> {
  const { name } = entry;
  progress(`[cold start] bundling ${name}`, true);
  const dir = join(out, name.replace(/[^a-z0-9]+/gi, "_"));
  const outfile = join(dir, "bundle.mjs");
  let topInputs: { path: string; kb: number }[] = [];
  let bundleKb = 0;
  let lazyKb = 0;
  try {
    const res = await build({
      ...(entry.file
        ? { entryPoints: [entry.file] }
        : { stdin: { contents: entry.source ?? "", resolveDir: root, loader: "ts" as const } }),
      // SST: `outfile` without splitting; with it, `outdir` and entry name "bundle", chunks as .mjs.
      ...(bundle.splitting
        ? { outdir: dir, entryNames: "bundle", outExtension: { ".js": ".mjs" }, splitting: true }
        : { outfile }),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "es2024",
      minify: bundle.minify,
      external: [...bundle.external],
      plugins,
      keepNames: true,
      mainFields: ["module", "main"],
      banner: { js: BANNER },
      metafile: true,
      logLevel: "silent",
    });
    const loaded = loadedAtInit(res.metafile, outfile);
    const byPackage = new Map<string, number>();
    for (const [file, o] of Object.entries(res.metafile.outputs)) {
      if (!file.endsWith(".mjs")) continue;
      if (!loaded.has(resolve(file))) {
        lazyKb += o.bytes / 1024;
        continue;
      }
      bundleKb += o.bytes / 1024;
      for (const [path, v] of Object.entries(o.inputs)) {
        // Grouped by package (node_modules/<pkg>), or by top folder of our own code.
        const m = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
        const key = m ? m[1]! : path.split("/").slice(0, 2).join("/");
        byPackage.set(key, (byPackage.get(key) ?? 0) + v.bytesInOutput / 1024);
      }
    }
    topInputs = [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([path, kb]) => ({ path, kb: round(kb, 0) }));
  } catch (err) {
    return { name, error: `build failed: ${(err as Error).message.split("\n")[0]}` };
  }
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let error: string | undefined;
  for (let i = 0; i < runs && !error; i++) {
    progress(`[cold start] ${name}: init run ${i + 1}/${runs}`, true);
    try {
      const { stdout } = await run(
        process.execPath,
        ["--input-type=module", "-e", INIT_SCRIPT, pathToFileURL(outfile).href],
        { env: { PATH: process.env.PATH ?? "", ...DUMMY_ENV }, cwd: dir, timeout: 30_000 },
      );
      const measured = JSON.parse(stdout) as { ms: number; cpuMs: number };
      times.push(measured.ms);
      cpuTimes.push(measured.cpuMs);
    } catch (err) {
      const text = (err as { stderr?: string }).stderr || (err as Error).message;
      error = `import failed: ${text.trim().split("\n").slice(-3).join(" ")}`;
    }
  }
  return {
    name,
    bundleKb: round(bundleKb, 0),
    lazyKb: round(lazyKb, 0),
    topInputs,
    initMs: times.length ? round(median(times), 1) : undefined,
    initRunsMs: times.map((t) => round(t, 1)),
    initCpuMs: cpuTimes.length ? round(median(cpuTimes), 1) : undefined,
    ...(error ? { error } : {}),
  };
}

/**
 * The libraries the functions are built on, bundled and imported alone the same way, so a
 * miss can be attributed by measurement rather than by guess.
 */
const COMPONENTS: Entry[] = [
  { name: "zod (alone)", source: `import { z } from "zod"; export const handler = () => z.string();` },
  {
    name: "DynamoDB client + lib-dynamodb (alone)",
    source: `import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
export const handler = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));`,
  },
  {
    name: "SQS client (alone)",
    source: `import { SQSClient } from "@aws-sdk/client-sqs"; export const handler = () => new SQSClient({});`,
  },
  {
    name: "@hono/zod-openapi (alone)",
    source: `import { OpenAPIHono } from "@hono/zod-openapi"; export const handler = () => new OpenAPIHono();`,
  },
  {
    name: "ajv + ajv-formats (alone)",
    source: `import Ajv from "ajv"; import addFormats from "ajv-formats";
export const handler = () => addFormats(new Ajv());`,
  },
  {
    name: "re2js (alone)",
    source: `import { RE2JS } from "re2js"; export const handler = () => RE2JS.compile("a+");`,
  },
  {
    name: "KMS client (alone)",
    source: `import { KMSClient } from "@aws-sdk/client-kms"; export const handler = () => new KMSClient({});`,
  },
  {
    name: "api modules without createApp()",
    source: `import { createApp } from "./core/api/app.js"; export const handler = () => createApp;`,
  },
  { name: "empty module", source: `export const handler = () => 1;` },
];

export async function runColdStart(
  root: string,
  runs = 7,
): Promise<{ functions: ColdStartResult[]; components: ColdStartResult[] }> {
  const out = join(root, "node_modules", ".cache", "hookrelay-bench-bundles");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  try {
    const functions: ColdStartResult[] = [];
    for (const name of FUNCTIONS) {
      const file = resolve(root, "functions", `${name}.ts`);
      if (!existsSync(file)) functions.push({ name, error: `functions/${name}.ts does not exist` });
      else functions.push(await measure({ name, file }, out, root, runs));
    }
    const components: ColdStartResult[] = [];
    for (const c of COMPONENTS) components.push(await measure(c, out, root, Math.min(runs, 5)));
    return { functions, components };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
