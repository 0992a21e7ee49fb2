/**
 * @hookrelay/client as another project installs it: built (packages/client/build.mjs, which the
 * repository's `prepare` runs), linked into a fresh project's node_modules as `npm install
 * file:…` links a folder, then imported by plain Node (no TypeScript loader, no source
 * condition) and type-checked by tsc through the package's exports map.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const pkg = join(repo, "packages", "client");
let project: string;

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, NODE_OPTIONS: "" } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

beforeAll(async () => {
  const built = await run(process.execPath, [join(pkg, "build.mjs")], repo);
  expect(built.code, built.out).toBe(0);
  project = mkdtempSync(join(tmpdir(), "hookrelay-consumer-"));
  mkdirSync(join(project, "node_modules", "@hookrelay"), { recursive: true });
  symlinkSync(pkg, join(project, "node_modules", "@hookrelay", "client"), "dir");
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ type: "module", dependencies: { "@hookrelay/client": `file:${pkg}` } }),
  );
}, 180_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("@hookrelay/client from another project", () => {
  it("imports the built entry points with plain Node", async () => {
    writeFileSync(
      join(project, "main.mjs"),
      `import * as client from "@hookrelay/client";
import * as verify from "@hookrelay/client/verify";
import * as publish from "@hookrelay/client/publish";
const where = (s) => import.meta.resolve(s).replace(/^.*packages\\/client\\//, "");
const cli = await import(new URL("dist/cli.js", import.meta.resolve("@hookrelay/client/package.json")));
console.log(JSON.stringify({
  client: typeof client.createClient, unwrap: typeof client.unwrap,
  verify: typeof verify.verify, jwks: typeof verify.jwksVerifier, publish: typeof publish.publishEvents,
  cli: typeof cli.main,
  files: ["@hookrelay/client", "@hookrelay/client/verify", "@hookrelay/client/publish"].map(where),
}));
`,
    );
    const res = await run(process.execPath, ["main.mjs"], project);
    expect(res.code, res.out).toBe(0);
    expect(JSON.parse(res.out)).toEqual({
      client: "function",
      unwrap: "function",
      verify: "function",
      jwks: "function",
      publish: "function",
      cli: "function",
      files: ["dist/index.js", "dist/verify.js", "dist/publish.js"],
    });
  });

  it("type-checks against the shipped .d.ts (and they are not `any`)", async () => {
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2023",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(repo, "node_modules", "@types")],
        },
        files: ["main.ts"],
      }),
    );
    writeFileSync(
      join(project, "main.ts"),
      `import { createClient, unwrap, type Schemas } from "@hookrelay/client";
import { verify, type WebhookEvent } from "@hookrelay/client/verify";
import type { PublishableEvent } from "@hookrelay/client/publish";

const client = createClient({ url: "http://127.0.0.1:3000", apiKey: "sk_test_x" });
export async function flow(): Promise<string> {
  const ep = await unwrap(client.POST("/v1/webhook-endpoints", { body: { url: "https://example.com/hook" } }));
  // @ts-expect-error: max_retries is a number (an error here proves the types are real)
  await client.PATCH("/v1/webhook-endpoints/{id}", { params: { path: { id: ep.id } }, body: { max_retries: "5" } });
  const event: WebhookEvent = verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", {}, "{}");
  const e: PublishableEvent = { org_id: "org_1", type: "a.b", data: {} };
  const status: Schemas["Endpoint"]["status"] = ep.status;
  return \`\${event.type} \${e.type} \${status}\`;
}
`,
    );
    const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
    const res = await run(process.execPath, [tsc, "-p", project], project);
    expect(res.out).toBe("");
    expect(res.code).toBe(0);
  }, 120_000);
});
