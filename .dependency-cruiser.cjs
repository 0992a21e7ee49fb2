/**
 * The dependency rule of hookrelay (docs/design.md, "Layers"), checked by `npm run check`
 * (`npm run check:deps`: scripts/check-deps.mjs, which also runs a negative control).
 *
 *   functions/, local/        adapters: wire the core to Lambda or to the local stack
 *   core/api                  HTTP: routes and schemas; calls services, never stores
 *   core/<feature>            services: events, endpoints, delivery, orgs, auth, filters
 *   core/store, queue,        adapters to DynamoDB, SQS, EventBridge Scheduler: they know
 *   scheduler                 the model and the config, never a service
 *   core/model, config, log,  the shared kernel: contracts, limits, settings, logging,
 *   lib                       and the few generic helpers every layer uses (lib/pool.ts, lib/org-cache.ts)
 */

/**
 * Every rule is an error: `npm run check` fails on any of them.
 * @returns {import('dependency-cruiser').IForbiddenRuleType}
 */
function rule(name, comment, from, to, extra = {}) {
  return { name, comment, severity: "error", ...extra, from, to };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    rule(
      "adapters-import-only-the-kernel",
      "core/store, core/queue and core/scheduler talk to AWS for the services; they may import only " +
        "core/model, core/config, core/log, core/lib and their own folder, never a service (or the services would " +
        "be half in the adapters).",
      { path: "^core/(store|queue|scheduler)/" },
      { path: "^core/", pathNot: ["^core/(model|config|log|lib)/", "^core/$1/"] },
    ),
    rule(
      "api-goes-through-services",
      "core/api calls services; only services read and write the table.",
      { path: "^core/api/" },
      { path: "^core/store/" },
    ),
    rule(
      "services-take-stores-from-the-root",
      "Services take the store adapters they use from the composition root (`deps.deliveryStore`, " +
        "`deps.messageStore`, …: the interfaces at the bottom of each core/store module); only the composition " +
        "root (core/compose.ts), the types it builds (core/all-deps.ts) and core/store itself import core/store, " +
        "types included (record types live in core/model).",
      { path: "^core/", pathNot: ["^core/store/", "^core/(all-deps|compose)\\.ts$"] },
      { path: "^core/store/" },
    ),
    rule(
      "only-entry-points-import-the-root",
      "core/compose.ts is the top floor: it picks every adapter. Nothing in core/ imports it (a service " +
        "that built its own adapters could not be run on another one); functions/, local/, tests, bench/ " +
        "and scripts/ do.",
      { path: "^core/", pathNot: "^core/compose\\.ts$" },
      { path: "^core/compose\\.ts$" },
    ),
    rule(
      "only-the-root-sees-every-part",
      "core/all-deps.ts is every part the root builds. Below the root, an entry point lists the parts it is " +
        "handed (API_PORTS, INGEST_PORTS, DELIVERY_PORTS, SCHEDULED_PORTS: the root picks them, core/compose.ts " +
        "contextFor) and a service names the ones it uses (`Uses<…>`, core/deps.ts): only the root and core/deps.ts " +
        "import the whole, so nothing below the root can take it.",
      { path: "^core/", pathNot: "^core/(compose|deps|all-deps)\\.ts$" },
      { path: "^core/all-deps\\.ts$" },
    ),
    rule(
      "kernel-imports-only-the-kernel",
      "core/model, core/config, core/log and core/lib are the bottom layer: they import nothing above them.",
      { path: "^core/(model|config|log|lib)/" },
      { path: "^core/", pathNot: "^core/(model|config|log|lib)/" },
    ),
    rule(
      "no-cycles-between-core-folders",
      "Feature folders of core/ depend on each other one way only (a cycle means two folders are one " +
        "concern, or a piece of policy sits in the wrong one).",
      { path: "^core/[^/]+$" },
      { path: "^core/[^/]+$", circular: true },
      { scope: "folder" },
    ),
    rule(
      "no-module-cycles",
      "No module imports itself through others, type imports included: a circle of types is still two " +
        "modules that cannot be understood, moved or tested apart (the types a circle shares go to a " +
        "module both import: core/store/table.ts, core/model/caches.ts, portal/ctx.ts).",
      { path: "^(core|functions|local|scripts|bench|portal|packages)/" },
      { circular: true },
    ),
    rule(
      "import-a-core-folder-through-its-index",
      "Each folder of core/ has one public surface, core/<folder>/index.ts: its contract, what other folders " +
        "use. Code outside the folder (the rest of core/, functions/, local/) imports only that index, so what it " +
        "does not re-export is internal and the folder may reshape it freely. Tests, bench/ and scripts/ may " +
        "reach inside: they test and measure the internals.",
      { path: "^(core/[^/]+/|core/[^/]+$|functions/|local/)" },
      { path: "^core/[^/]+/", pathNot: ["^$1", "^core/[^/]+/index\\.ts$"] },
    ),
    rule(
      "core-never-imports-adapters",
      "functions/ and local/ wire the core up; the core never depends on them.",
      { path: "^core/" },
      { path: "^(functions|local)/" },
    ),
    rule(
      "the-client-never-imports-server-code",
      "packages/ is published on its own: it never imports core/, functions/ or local/ (it would bundle " +
        "server code). What both use (the ingest and task schemas, SQS batching, the DLQ redrive) lives in " +
        "the client package, and the server imports it from there.",
      { path: "^packages/" },
      { path: "^(core|functions|local)/" },
    ),
    rule(
      "core-takes-the-client-at-its-seams",
      "core/ takes what it shares with the client package in two places only: the contract (ingest and " +
        "task schemas, identifier limits) in core/model/client.ts, which the model re-exports, and the SQS " +
        "batching and visibility calls in the queue adapter that makes them (core/queue/send.ts, sqs-queue.ts).",
      { path: "^core/", pathNot: ["^core/model/client\\.ts$", "^core/queue/(send|sqs-queue)\\.ts$"] },
      { path: "^packages/" },
    ),
    rule(
      "production-never-imports-tests",
      "scripts/, bench/, local/, functions/ and core/ run without the test tree.",
      { path: "^(core|functions|local|scripts|bench)/" },
      { path: "^test/" },
    ),
    rule(
      "not-to-unresolvable",
      "An import that does not resolve is a typo or a missing dependency (packages/client imports its " +
        "generated types, written by `npm run generate`).",
      { pathNot: "^packages/client/" },
      { couldNotResolve: true },
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.sst|dist|\\.data)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      // hookrelay-source first: inside the repository the client resolves to its source (dist/ is built only by prepack).
      conditionNames: ["hookrelay-source", "import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
  },
};
