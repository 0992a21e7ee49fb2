/**
 * Builds @hookrelay/client for other projects (`npm run build` here; the repository's
 * `prepare` runs it on install): dist/*.js are ESM bundles for Node ≥ 20 (esbuild; the
 * package's dependencies stay imports), dist/*.d.ts their types (tsc, from the same source).
 * In this repository the tests, the bench and the CLI use the same dist files, so what they
 * exercise is what another project installs.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const entries = {
  index: "src/index.ts",
  verify: "src/verify.ts",
  publish: "src/publish.ts",
  cli: "src/cli/main.ts",
};

const generated = join(root, "generated", "openapi.d.ts");
if (!existsSync(generated))
  throw new Error("packages/client/generated/openapi.d.ts is missing: run npm run generate first");

rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir: dist,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Dependencies and peers are installed next to the package; everything else is bundled.
  external: [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    "@aws-sdk/*",
  ],
  logLevel: "warning",
});

// Types: tsc emits declarations of the entry points and the files they import under dist/types,
// mirroring the package (rootDir: the package never imports the server's code), plus the
// generated API types they reference; the entry .d.ts re-export them.
const tsc = join(root, "..", "..", "node_modules", "typescript", "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
const types = join(dist, "types");
mkdirSync(join(types, "generated"), { recursive: true });
copyFileSync(generated, join(types, "generated", "openapi.d.ts"));
for (const name of ["index", "verify", "publish"]) {
  writeFileSync(join(dist, `${name}.d.ts`), `export * from "./types/src/${name}.js";\n`);
}
console.log(
  `built ${Object.keys(entries)
    .map((e) => `dist/${e}.js`)
    .join(", ")} and their .d.ts`,
);
