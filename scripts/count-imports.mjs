#!/usr/bin/env node
/**
 * Counts relative imports in core/** whose target lies in another first-level folder of
 * core/ (core/api -> core/store, core/events -> core/endpoints, ...): a measure of how
 * tangled the feature folders are (docs/design.md). A file directly in core/ (deps.ts,
 * compose.ts, ...) counts as its own folder. Prints the total, the total without imports of
 * the kernel (core/model, core/config, core/log), and the pairs of folders, most first.
 *
 * The second line counts edges instead of statements: distinct (file, other folder) pairs, the
 * same two ways. Two statements importing two modules of one folder are one edge, so folding
 * imports into one statement per folder (core/<folder>/index.ts) lowers the first figure to
 * the second, and only a real cut (a file that no longer needs a folder) lowers the second.
 *
 *   node scripts/count-imports.mjs [root]   (root defaults to the current directory)
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const root = resolve(process.argv[2] ?? ".");
const core = join(root, "core");
const kernel = new Set(["model", "config", "log"]);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith(".d.ts")) yield path;
  }
}

/** The first-level folder of core/ a path lies in ("." for a file directly in core/). */
function folderOf(path) {
  const parts = relative(core, path).split(sep);
  return parts.length === 1 ? "." : parts[0];
}

// Static imports and re-exports (also `import type`), and dynamic import("…").
const specifiers = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

let total = 0;
let outsideKernel = 0;
const pairs = new Map();
/** Distinct "file -> folder" edges. */
const edges = new Set();
for (const file of files(core)) {
  const text = readFileSync(file, "utf8");
  const from = folderOf(file);
  for (const match of text.matchAll(specifiers)) {
    const target = resolve(dirname(file), match[1]);
    if (!target.startsWith(core + sep)) continue;
    const to = folderOf(target);
    if (to === from) continue;
    total++;
    if (!kernel.has(to)) outsideKernel++;
    edges.add(`${relative(core, file)} -> ${to}`);
    const key = `${from} -> ${to}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
}

console.log(
  `cross-folder imports in core/: ${total} (${outsideKernel} excluding core/model, core/config, core/log)`,
);
const outsideKernelEdges = [...edges].filter((edge) => !kernel.has(edge.split(" -> ")[1])).length;
console.log(`file -> folder edges in core/: ${edges.size} (${outsideKernelEdges} excluding the kernel)`);
if (process.argv.includes("--pairs") || process.argv[3] === "--pairs") {
  for (const [key, n] of [...pairs].sort((a, b) => b[1] - a[1]))
    console.log(`${String(n).padStart(4)}  ${key}`);
}
