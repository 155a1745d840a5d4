// Runs a user's Lua script (Argo's script filter and Lua transform) or jq program (`transform.jq`) in a wasm
// VM on its own thread. Lua sees `event` = a copy of the event data as plain tables, and has no host access
// (io, os, require removed).
// A program that runs past its time limit is stopped by ending the thread; the next call starts a fresh one.
// The thread also keeps the wasm runtimes' side effects (jq-wasm sets process.exitCode on errors) away from
// the sensor process.
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { Mutex } from "../delivery/mutex.js";

export const LUA_TIMEOUT_MS = 1000;
/** Starting a thread and loading the wasm VM. */
const STARTUP_TIMEOUT_MS = 15_000;

/**
 * The VM thread's code. Kept as a string (an eval worker) so it runs the same from source and from dist;
 * wasmoon is resolved from this package's location, not the working directory.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const load = require("node:module").createRequire(workerData.base);
const { LuaFactory } = load("wasmoon");
const jq = load("jq-wasm");
const REMOVED = ["io", "os", "require", "dofile", "loadfile", "package", "debug"];
// Argo's marker: a table whose metatable has __is_array = true is a JSON array even when empty (an empty table
// is otherwise an object). The VM bridge cannot see metatables, so such tables travel wrapped and are unwrapped here.
const MARK_ARRAYS = \`
function __impulse_mark(v, seen)
  if type(v) ~= "table" then return v end
  if seen[v] then return v end
  seen[v] = true
  local mt = getmetatable(v)
  if type(mt) == "table" and rawget(mt, "__is_array") == true then
    local items = {}
    for i = 1, #v do items[i] = __impulse_mark(v[i], seen) end
    return { __impulse_array = items }
  end
  for k, x in pairs(v) do rawset(v, k, __impulse_mark(x, seen)) end
  return v
end
\`;
const unmark = (v) => {
  if (Array.isArray(v)) return v.map(unmark);
  if (v === null || typeof v !== "object") return v;
  if ("__impulse_array" in v) {
    const items = v.__impulse_array;
    return Array.isArray(items) ? items.map(unmark) : [];
  }
  for (const k of Object.keys(v)) v[k] = unmark(v[k]);
  return v;
};
// Argo hands Lua a copy of the data in which JSON nulls are absent (nil); the bridge also fails on null.
const withoutNulls = (v) => {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(withoutNulls);
  if (v === null || typeof v !== "object") return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
  return out;
};
let engine;
const fresh = async () => {
  // Plain tables, not proxies of JS objects: pairs() works, and metatables set by the script survive.
  const lua = await new LuaFactory().createEngine({ enableProxy: false });
  for (const name of REMOVED) lua.global.set(name, undefined);
  await lua.doString(MARK_ARRAYS);
  return lua;
};
parentPort.on("message", async (req) => {
  try {
    if (req.kind === "jq") {
      const out = await jq.raw(JSON.stringify(req.data ?? null), req.source, ["-c"]);
      const first = out.split("\\n").find((l) => l.trim() !== "");
      if (first === undefined) throw new Error("jq produced no output");
      parentPort.postMessage({ id: req.id, ok: true, value: JSON.parse(first) });
      return;
    }
    if (req.kind === "warmup") {
      if (workerData.language === "lua") await (engine ??= fresh());
      parentPort.postMessage({ id: req.id, ok: true, value: null });
      return;
    }
    const lua = await (engine ??= fresh());
    if (req.kind === "check") {
      lua.global.set("__impulse_src", req.source);
      const err = await lua.doString("local f, err = load(__impulse_src); return err");
      parentPort.postMessage({ id: req.id, ok: true, value: err ?? null });
      return;
    }
    lua.global.set("event", req.data === null || req.data === undefined ? undefined : withoutNulls(req.data));
    lua.global.set("__impulse_src", req.source);
    const value = unmark(await lua.doString("local run, err = load(__impulse_src, 'script'); if not run then error(err, 0) end; return __impulse_mark(run(), {})"));
    parentPort.postMessage({ id: req.id, ok: true, value: value === undefined ? null : value });
  } catch (e) {
    const message = String((e && e.message) || e).replace(/^Failed to execute JSON query: /, "");
    parentPort.postMessage({ id: req.id, ok: false, error: message.split("\\n")[0] });
  }
});
`;

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export class SandboxedScript {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly mutex = new Mutex();

  constructor(
    private readonly language: "lua" | "jq",
    private readonly source: string,
    private readonly timeoutMs = LUA_TIMEOUT_MS,
  ) {}

  /** Sends one request to the thread; past the deadline the thread is ended and the call fails. */
  private send(worker: Worker, message: object, timeoutMs: number): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const id = ++this.nextId;
      const timer = setTimeout(() => {
        worker.off("message", onMessage);
        if (this.worker === worker) this.worker = undefined;
        void worker.terminate();
        reject(new Error(`script stopped after ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        clearTimeout(timer);
        worker.off("message", onMessage);
        if (reply.ok) resolve(reply.value);
        else reject(new Error(reply.error));
      };
      worker.on("message", onMessage);
      worker.postMessage({ id, source: this.source, ...message });
    });
  }

  /** The thread, started and its VM loaded (which takes longer than a script is allowed). */
  private async ready(): Promise<Worker> {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { base: fileURLToPath(import.meta.url), language: this.language } });
    worker.unref(); // an idle VM thread never keeps the process alive
    this.worker = worker;
    await this.send(worker, { kind: "warmup" }, STARTUP_TIMEOUT_MS);
    return worker;
  }

  private call(message: { kind: "run" | "jq"; data: unknown } | { kind: "check" }): Promise<unknown> {
    return this.mutex.run(async () => this.send(await this.ready(), message, this.timeoutMs));
  }

  /** Compiles the program without using it; resolves to an error message or undefined. */
  async syntaxError(): Promise<string | undefined> {
    if (this.language === "lua") return ((await this.call({ kind: "check" })) as string | null) ?? undefined;
    try {
      await this.call({ kind: "jq", data: null });
      return undefined;
    } catch (e) {
      const m = (e as Error).message;
      return /syntax error|compile error/i.test(m) ? m : undefined; // a runtime error on null input is not a syntax error
    }
  }

  /** Runs the program: Lua with `event` bound to `data` (resolves to what it returns), jq on `data` (its first output). */
  run(data: unknown): Promise<unknown> {
    return this.call({ kind: this.language === "lua" ? "run" : "jq", data });
  }

  /** Ends the VM thread (sensor shutdown). */
  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

export class LuaScript extends SandboxedScript {
  constructor(source: string, timeoutMs = LUA_TIMEOUT_MS) {
    super("lua", source, timeoutMs);
  }
}

export class JqProgram extends SandboxedScript {
  constructor(source: string, timeoutMs = LUA_TIMEOUT_MS) {
    super("jq", source, timeoutMs);
  }
}
