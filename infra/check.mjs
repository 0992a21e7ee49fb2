#!/usr/bin/env node
/**
 * `npm run check:infra`: type-checks sst.config.ts against SST's real platform types, offline
 * (only the npm registry is needed, once, for the platform's own packages).
 *
 * 1. `sst install --stage check` writes .sst/platform (SST's component sources, @pulumi/aws and
 *    config.d.ts, the file sst.config.ts references). It normally starts by downloading Pulumi and
 *    bun from GitHub; `SST_SKIP_DEPENDENCY_CHECK=1` skips that, and the CLI is handed the bun binary
 *    of the `bun` devDependency instead, placed where SST looks for it ($XDG_CONFIG_HOME/sst/bin/bun,
 *    with XDG_CONFIG_HOME inside the project's .sst/) and named by SST_BUN_PATH as well. Pulumi is
 *    not needed: `install` never runs it. bun then installs the platform's packages from the npm
 *    registry (cached under ~/.bun afterwards).
 * 2. `tsc -p infra/tsconfig.json` checks sst.config.ts and the infra/ modules it composes
 *    (strict) with those types.
 * 3. A negative control: copies of those files, each with one misspelt property, must each fail
 *    to type-check.
 *
 * Idempotent: both steps may run any number of times. Exit code 0 only if both succeed.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const started = Date.now();

function fail(message, output) {
  if (output) process.stderr.write(`${output.trimEnd()}\n`);
  process.stderr.write(`check:infra FAILED: ${message}\n`);
  process.exit(1);
}

/** node_modules/<name>, found like Node does (package `exports` may hide package.json). */
function packageDir(name) {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function version(name) {
  const dir = packageDir(name);
  return dir ? JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).version : undefined;
}

/** The real bun executable from node_modules (not the placeholder left by `--ignore-scripts`). */
function findBun() {
  const candidates = [];
  const bunDir = packageDir("bun");
  const exe = process.platform === "win32" ? "bun.exe" : "bun";
  if (bunDir) candidates.push(path.join(bunDir, "bin", "bun.exe"));
  // Without the postinstall step the binary is still in the platform package.
  const arch = process.arch === "arm64" ? "aarch64" : process.arch;
  for (const suffix of ["", "-baseline", "-musl", "-musl-baseline"]) {
    const dir = packageDir(`@oven/bun-${process.platform}-${arch}${suffix}`);
    if (dir) candidates.push(path.join(dir, "bin", exe));
  }
  // The placeholder is a few hundred bytes; the binary is tens of MB.
  return candidates.find((file) => existsSync(file) && statSync(file).size > 1_000_000);
}

function placeBun(source, target) {
  if (existsSync(target)) {
    const [a, b] = [statSync(source), statSync(target)];
    if (a.size === b.size && a.mtimeMs <= b.mtimeMs) return;
    rmSync(target);
  }
  mkdirSync(path.dirname(target), { recursive: true });
  try {
    linkSync(source, target); // same filesystem: no 100 MB copy
  } catch {
    copyFileSync(source, target);
  }
  chmodSync(target, 0o755);
}

function run(command, args, env) {
  return spawnSync(command, args, { cwd: root, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

// ---- 1. SST platform types ------------------------------------------------------------------
const sstVersion = version("sst");
if (!sstVersion) fail("the `sst` package is not installed (run `npm ci`)");
const bun = findBun();
if (!bun)
  fail("no bun binary found under node_modules (devDependency `bun`; was `npm ci` run with scripts?)");

const xdg = path.join(root, ".sst", "xdg");
const sstBun = path.join(xdg, "sst", "bin", process.platform === "win32" ? "bun.exe" : "bun");
placeBun(bun, sstBun);

const env = {
  ...process.env,
  SST_SKIP_DEPENDENCY_CHECK: "1", // do not download Pulumi and bun from GitHub
  SST_BUN_PATH: sstBun,
  XDG_CONFIG_HOME: xdg, // keep SST's global state out of ~/.config
  SST_TELEMETRY_DISABLED: "1",
  NO_COLOR: "1",
};
delete env.SST_STAGE;
const install = run(
  process.execPath,
  [path.join(packageDir("sst"), "bin", "sst.mjs"), "install", "--stage", "check", "--print-logs"],
  env,
);
const configTypes = path.join(root, ".sst", "platform", "config.d.ts");
if (install.status !== 0 || !existsSync(configTypes)) {
  // --print-logs interleaves debug lines; the ERROR lines carry the cause (e.g. bun's registry error).
  const output = `${install.stdout ?? ""}${install.stderr ?? ""}${install.error ? String(install.error) : ""}`;
  const errors = output.split("\n").filter((line) => /level=ERROR|^error:|✕/.test(line));
  fail(
    "`sst install` did not produce .sst/platform/config.d.ts (the first run needs the npm registry)",
    (errors.length > 0 ? errors.join("\n") : output)
      .replaceAll("\\n", "\n")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .slice(0, 20)
      .join("\n"),
  );
}

// ---- 2. type-check ---------------------------------------------------------------------------
const tsc = run(
  process.execPath,
  [path.join(packageDir("typescript"), "bin", "tsc"), "-p", "infra/tsconfig.json"],
  {
    ...process.env,
  },
);
if (tsc.status !== 0) {
  fail(
    "sst.config.ts or an infra/ module does not type-check against the SST platform types",
    `${tsc.stdout}${tsc.stderr}`,
  );
}

// ---- 3. negative control ---------------------------------------------------------------------
// Copies of sst.config.ts and of every infra/ module, each with one misspelt property, must
// each fail, or the check above proves nothing (e.g. types silently resolving to `any`, or a
// module left out of the checked program).
const controlDir = path.join(root, ".sst", "negative-control");
rmSync(controlDir, { recursive: true, force: true });
const configFiles = [
  "sst.config.ts",
  ...readdirSync(path.join(root, "infra"))
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => `infra/${f}`),
];
const copied = new Set(configFiles);
const misspelt = 'new sst.aws.Queue("NegativeControl", { visibilityTimeot: "1 second" })';
for (const file of configFiles) {
  const from = path.dirname(path.join(root, file));
  const to = path.dirname(path.join(controlDir, file));
  // Relative imports of files outside the copied set point back at the project's own.
  const text = readFileSync(path.join(root, file), "utf8")
    .replace(
      '/// <reference path="./.sst/platform/config.d.ts" />',
      '/// <reference path="../platform/config.d.ts" />',
    )
    .replace(/((?:from|import\()\s*")(\.\.?\/[^"]+)"/g, (whole, lead, spec) => {
      const target = path.resolve(from, spec);
      const rel = path.relative(root, target).replace(/\.js$/, ".ts").split(path.sep).join("/");
      if (copied.has(rel)) return whole;
      const back = path.relative(to, target).split(path.sep).join("/");
      return `${lead}${back.startsWith(".") ? back : `./${back}`}"`;
    });
  mkdirSync(to, { recursive: true });
  writeFileSync(path.join(controlDir, file), `${text}\nexport const negativeControl = () => ${misspelt};\n`);
}
writeFileSync(
  path.join(controlDir, "tsconfig.json"),
  JSON.stringify({
    extends: "../../infra/tsconfig.json",
    compilerOptions: { incremental: false },
    files: configFiles.map((f) => `./${f}`),
    include: [],
  }),
);
const control = run(
  process.execPath,
  [path.join(packageDir("typescript"), "bin", "tsc"), "-p", path.join(controlDir, "tsconfig.json")],
  { ...process.env },
);
const controlOutput = `${control.stdout}${control.stderr}`;
const missed = configFiles.filter(
  (file) =>
    !controlOutput.split("\n").some((line) => line.includes(`${file}(`) && line.includes("visibilityTimeot")),
);
if (control.status === 0 || missed.length > 0) {
  fail(
    `negative control: a misspelt property was NOT rejected in ${missed.join(", ") || "(exit 0)"}`,
    controlOutput,
  );
}
// Any other error means the copies did not compile as the originals do (an import left
// unresolved, say), and the rejections above would prove less than they seem.
const otherErrors = controlOutput
  .split("\n")
  .filter((l) => /error TS/.test(l) && !l.includes("visibilityTimeot"));
if (otherErrors.length > 0)
  fail("negative control: the copies fail for other reasons", otherErrors.join("\n"));

let pulumiAws = "?";
try {
  const lock = JSON.parse(readFileSync(path.join(root, ".sst", "provider-lock.json"), "utf8"));
  pulumiAws = lock.find((p) => p.name === "aws")?.version ?? "?";
} catch {
  // the version is only informative
}
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `check:infra ok: sst.config.ts and ${configFiles.length - 1} infra/ modules type-check against SST ${sstVersion} platform types (@pulumi/aws ${pulumiAws}), and a misspelt property is rejected in each, in ${secs} s`,
);
