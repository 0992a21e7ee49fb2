#!/usr/bin/env node
/**
 * `npm run check:deps`: the dependency rule (.dependency-cruiser.cjs, docs/design.md "Layers").
 *
 * 1. dependency-cruiser checks the real tree: any violation fails the check.
 * 2. A negative control: a scratch tree (in the OS temp dir, never in the project) with one
 *    violation per rule family must fail with exactly those rules, so a rule that silently
 *    stopped matching (a renamed folder, a typo in a regex) fails the check too; and an import
 *    through a folder's index.ts must pass, so the index rule cannot be "kept" by forbidding all.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const config = path.join(root, ".dependency-cruiser.cjs");
const cli = path.join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

function cruise(cwd, dirs) {
  const res = spawnSync(process.execPath, [cli, ...dirs, "--config", config, "--output-type", "json"], {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!res.stdout) fail(`dependency-cruiser did not run (exit ${res.status})`, res.stderr);
  return JSON.parse(res.stdout).summary.violations;
}

function fail(message, output) {
  if (output) process.stderr.write(`${output.trimEnd()}\n`);
  process.stderr.write(`check:deps FAILED: ${message}\n`);
  process.exit(1);
}

const describe = (v) =>
  `  ${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${JSON.stringify(v.cycle)})` : ""}`;

// 1. The project.
const found = cruise(root, [
  "core",
  "functions",
  "local",
  "scripts",
  "bench",
  "test",
  "portal",
  "packages/client/src",
]);
if (found.length > 0) fail(`${found.length} dependency violation(s):`, found.map(describe).join("\n"));

// 2. The negative control: each file below breaks one rule.
const scratch = mkdtempSync(path.join(tmpdir(), "hookrelay-deps-"));
const files = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } }),
  "core/model/thing.ts": "export const thing = 1;\n",
  "core/store/things.ts": 'import { service } from "../events/service.js";\nexport const store = service;\n',
  "core/events/service.ts":
    'import { thing } from "../model/thing.js";\nimport { rule } from "../endpoints/rules.js";\nexport const service = thing + rule;\n',
  "core/endpoints/rules.ts": 'import { helper } from "../events/helper.js";\nexport const rule = helper;\n',
  "core/events/helper.ts": "export const helper = 2;\n",
  "core/api/route.ts": 'import { store } from "../store/things.js";\nexport const route = store;\n',
  "core/delivery/engine.ts":
    'import type { store } from "../store/things.js";\nexport type Engine = typeof store;\n',
  "scripts/tool.ts": 'import { fixture } from "../test/fixture.js";\nexport const tool = fixture;\n',
  "test/fixture.ts": "export const fixture = 3;\n",
  "core/model/index.ts": 'export { thing } from "./thing.js";\n',
  "core/orgs/deep.ts": 'import { thing } from "../model/thing.js";\nexport const deep = thing;\n',
  "core/orgs/through-index.ts": 'import { thing } from "../model/index.js";\nexport const ok = thing;\n',
  "core/compose.ts": 'import { thing } from "./model/index.js";\nexport const root = thing;\n',
  "core/orgs/built.ts": 'import { root } from "../compose.js";\nexport const built = root;\n',
  "core/all-deps.ts": "export interface Deps { thing: number }\n",
  "core/orgs/whole.ts": 'import type { Deps } from "../all-deps.js";\nexport type Whole = Deps;\n',
  "portal/page.ts": 'import type { Part } from "./part.js";\nexport interface Page { part: Part }\n',
  "portal/part.ts": 'import type { Page } from "./page.js";\nexport interface Part { page?: Page }\n',
  "packages/client/src/cli.ts":
    'import { thing } from "../../../core/model/index.js";\nexport const cli = thing;\n',
  "core/orgs/client.ts": 'import { cli } from "../../packages/client/src/cli.js";\nexport const c = cli;\n',
};
const expected = [
  "adapters-import-only-the-kernel", // core/store → core/events
  "api-goes-through-services", // core/api → core/store
  "services-take-stores-from-the-root", // core/delivery → core/store (a type import too)
  "no-cycles-between-core-folders", // core/events ↔ core/endpoints
  "production-never-imports-tests", // scripts → test
  "import-a-core-folder-through-its-index", // core/orgs/deep.ts → core/model/thing.ts
  "only-entry-points-import-the-root", // core/orgs/built.ts → core/compose.ts
  "only-the-root-sees-every-part", // core/orgs/whole.ts → core/all-deps.ts (a type import)
  "no-module-cycles", // portal/page.ts ↔ portal/part.ts, through type imports only
  "the-client-never-imports-server-code", // packages/client → core/model
  "core-takes-the-client-at-its-seams", // core/orgs → packages/client
];
/** Imports through an index that the index rule must let pass. */
const allowed = ["core/orgs/through-index.ts"];
try {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    writeFileSync(path.join(scratch, file), text);
  }
  const violations = cruise(scratch, ["core", "scripts", "test", "portal", "packages"]);
  const caught = new Set(violations.map((v) => v.rule.name));
  const missed = expected.filter((name) => !caught.has(name));
  if (missed.length > 0) fail(`negative control: these violations were not caught: ${missed.join(", ")}`);
  const wrong = violations.filter((v) => allowed.includes(v.from));
  if (wrong.length > 0) fail("negative control: a legal import was flagged:", wrong.map(describe).join("\n"));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.stdout.write(`check:deps ok: no violations; the negative control caught ${expected.join(", ")}\n`);
