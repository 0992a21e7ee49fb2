/** @hookrelay/client: the typed API client; `./verify` and `./publish` are separate entry points. */
export {
  ApiError,
  type ClientOptions,
  ConfigError,
  createClient,
  type HookrelayClient,
  type paths,
  type Schemas,
  unwrap,
} from "./client.js";
