// npm run chaos: prepare (install, nats-server, build), then run the chaos scenario (test/chaos/main.ts) with the
// arguments given after `--`.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { prepare, root } from "./prepare.mjs";

prepare();
const res = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", join(root, "test/chaos/main.ts"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, IMPULSE_REPO_ROOT: root },
});
process.exit(res.status ?? 1);
