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
 *   lib                       and the few generic helpers every layer uses (lib/pool.ts)
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "adapters-import-only-the-kernel",
      comment:
        "core/store, core/queue and core/scheduler talk to AWS for the services; they may import only " +
        "core/model, core/config, core/log, core/lib and their own folder, never a service (or the services would " +
        "be half in the adapters).",
      severity: "error",
      from: { path: "^core/(store|queue|scheduler)/" },
      to: { path: "^core/", pathNot: ["^core/(model|config|log|lib)/", "^core/$1/"] },
    },
    {
      name: "api-goes-through-services",
      comment: "core/api calls services; only services read and write the table.",
      severity: "error",
      from: { path: "^core/api/" },
      to: { path: "^core/store/" },
    },
    {
      name: "kernel-imports-only-the-kernel",
      comment:
        "core/model, core/config, core/log and core/lib are the bottom layer: they import nothing above them.",
      severity: "error",
      from: { path: "^core/(model|config|log|lib)/" },
      to: { path: "^core/", pathNot: "^core/(model|config|log|lib)/" },
    },
    {
      name: "no-cycles-between-core-folders",
      comment:
        "Feature folders of core/ depend on each other one way only (a cycle means two folders are one " +
        "concern, or a piece of policy sits in the wrong one).",
      severity: "error",
      scope: "folder",
      from: { path: "^core/[^/]+$" },
      to: { path: "^core/[^/]+$", circular: true },
    },
    {
      name: "no-module-cycles",
      comment:
        "No module imports itself through others at run time (a cycle through `import type` only is " +
        "erased by the compiler: a store module may name the Db type of the module that builds it).",
      severity: "error",
      from: { path: "^(core|functions|local|scripts|bench)/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "core-never-imports-adapters",
      comment: "functions/ and local/ wire the core up; the core never depends on them.",
      severity: "error",
      from: { path: "^core/" },
      to: { path: "^(functions|local)/" },
    },
    {
      name: "production-never-imports-tests",
      comment: "scripts/, bench/, local/, functions/ and core/ run without the test tree.",
      severity: "error",
      from: { path: "^(core|functions|local|scripts|bench)/" },
      to: { path: "^test/" },
    },
    {
      name: "not-to-unresolvable",
      comment:
        "An import that does not resolve is a typo or a missing dependency (packages/client imports its " +
        "generated types, written by `npm run generate`).",
      severity: "error",
      from: { pathNot: "^packages/client/" },
      to: { couldNotResolve: true },
    },
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
