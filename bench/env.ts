/**
 * Environment for the benchmark process, imported first by bench/run.ts so that it is set
 * before any module reads it at load time (the service logger's level).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// Planned 500s of the retry case are logged at INFO; the table must stay readable.
process.env.LOG_LEVEL ??= "WARN";
