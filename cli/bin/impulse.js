#!/usr/bin/env node
// The `impulse` executable npm links into node_modules/.bin. It is committed (unlike dist/), so npm links it on the
// first install, before anything is built; it runs the compiled CLI, or says how to build it.
import { existsSync } from "node:fs";

const main = new URL("../dist/main.js", import.meta.url);
if (!existsSync(main)) {
  console.error("impulse: the CLI is not built yet: run `npm run build` (or `npm start`) in the repository first");
  process.exit(1);
}
await import(main.href);
