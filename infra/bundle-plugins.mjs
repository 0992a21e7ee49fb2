/**
 * esbuild plugins of every function's bundle (SST `nodejs.plugins`, and `npm run bench`, which
 * bundles the same way). Plain JavaScript: SST's bundler loads this file with `node` as is.
 *
 * zod-english-only: `z.locales` (40 translations of zod's error messages, 260 KB minified) is
 * bundled whenever some module uses zod's `z` namespace as a value, which @hono/zod-openapi does
 * (it extends `z` and re-exports it), so tree shaking cannot drop it from the API. The service
 * answers in English only: English is registered by zod's schemas module itself, not through
 * `z.locales`, so the index of translations is replaced by one that holds English alone.
 */
import { dirname } from "node:path";

const zodLocalesIndex = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/;

export const zodEnglishOnly = {
  name: "zod-english-only",
  setup(build) {
    build.onLoad({ filter: zodLocalesIndex }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

export default [zodEnglishOnly];
