// Bundles an app's TypeScript entry (src/main.ts) into dist/main.mjs for production.
//
// Why: running TypeScript through tsx compiles every module at each start, which made the
// worker take ~3.7 s to be ready and ~150 MB more memory (tools/bench). The bundle holds the
// app and the workspace packages it uses (they export TypeScript sources); the app's own npm
// dependencies stay external and load from its node_modules as usual, so nothing in them
// (gramjs, BullMQ's Lua scripts, pino) is rewritten.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const appDir = resolve(process.argv[2] ?? ".");
const manifest = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
const external = Object.keys(manifest.dependencies ?? {}).filter((name) => !name.startsWith("@callbot/"));

await build({
  entryPoints: [join(appDir, "src/main.ts")],
  outfile: join(appDir, "dist/main.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  // "telegram" also covers "telegram/sessions/index.js" and the like.
  external: external.flatMap((name) => [name, `${name}/*`]),
  // Bundled CommonJS dependencies (of the workspace packages) may call require().
  banner: {
    js: "import { createRequire as __callbotCreateRequire } from 'node:module'; const require = __callbotCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
