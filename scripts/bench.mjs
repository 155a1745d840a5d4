// npm run bench: prepare (install, nats-server, build), then run bench/run.ts.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { prepare, root } from "./prepare.mjs";

prepare();
const res = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", join(root, "bench/run.ts")], { cwd: root, stdio: "inherit" });
process.exit(res.status ?? 1);
