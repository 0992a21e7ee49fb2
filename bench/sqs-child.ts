/**
 * fauxqs in its own process for the benchmark: on AWS, SQS is not in the function's
 * process, so its CPU and memory must not be counted against the handlers.
 */
import { startFauxqs } from "fauxqs";

const server = await startFauxqs({ port: 0, logger: false });
process.send?.({ port: server.port });
process.on("disconnect", () => {
  void server.stop().finally(() => process.exit(0));
});
