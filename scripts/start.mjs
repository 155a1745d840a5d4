// npm start: prepare, then run the quickstart EventSource and Sensor with a local nats-server until Ctrl-C.
// Arguments after `--` go to `impulse dev`: `npm start -- --webhook-port 12001` when port 12000 is taken.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { prepare, root } from "./prepare.mjs";

prepare();
const child = spawn(process.execPath, [join(root, "cli/dist/main.js"), "dev", "-f", join(root, "manifests/examples/quickstart"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
// Ctrl-C reaches the whole process group; the child shuts down cleanly on its own, so only forward SIGTERM.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 130 : 0)));
