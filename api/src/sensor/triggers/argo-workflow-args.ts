// Parses the argoWorkflow trigger's `args` (flags Argo Events appends to the `argo` CLI) into typed options, per operation.
// Pure, so that lint, sensor compile and the runtime all read the same answer.

export const ARGO_WORKFLOW_OPERATIONS = ["submit", "submit-from", "resubmit", "retry", "resume", "suspend", "terminate", "stop"] as const;
export type ArgoWorkflowOperation = (typeof ARGO_WORKFLOW_OPERATIONS)[number];

/** What the supported flags mean; every field is optional (unset = the CLI's default). */
export interface ArgoWorkflowOptions {
  namespace?: string;
  /** --instanceid: the workflows.argoproj.io/controller-instanceid label of created Workflows. */
  instanceId?: string;
  name?: string;
  generateName?: string;
  entrypoint?: string;
  serviceAccount?: string;
  /** -p/--parameter NAME=VALUE, in order. */
  parameters?: { name: string; value: string }[];
  /** -l/--labels a=b,c=d (submit): added to the created Workflow. */
  labels?: Record<string, string>;
  priority?: number;
  /** --scheduled-time (submit-from): RFC 3339, the workflows.argoproj.io/scheduled-time annotation. */
  scheduledTime?: string;
  memoized?: boolean;
  restartSuccessful?: boolean;
  nodeFieldSelector?: string;
  message?: string;
}

type Key = keyof ArgoWorkflowOptions;
interface Flag {
  key: Key;
  /** Operations that take it; undefined = every operation (global flags). */
  ops?: readonly ArgoWorkflowOperation[];
  kind: "string" | "bool" | "int" | "param" | "labels";
}

const SUBMITS = ["submit", "submit-from"] as const;
const FLAGS: Record<string, Flag> = {
  "--namespace": { key: "namespace", kind: "string" },
  "-n": { key: "namespace", kind: "string" },
  "--instanceid": { key: "instanceId", kind: "string" },
  "--name": { key: "name", ops: SUBMITS, kind: "string" },
  "--generate-name": { key: "generateName", ops: SUBMITS, kind: "string" },
  "--entrypoint": { key: "entrypoint", ops: SUBMITS, kind: "string" },
  "--serviceaccount": { key: "serviceAccount", ops: SUBMITS, kind: "string" },
  "--parameter": { key: "parameters", ops: [...SUBMITS, "resubmit", "retry"], kind: "param" },
  "-p": { key: "parameters", ops: [...SUBMITS, "resubmit", "retry"], kind: "param" },
  "--labels": { key: "labels", ops: SUBMITS, kind: "labels" },
  "-l": { key: "labels", ops: SUBMITS, kind: "labels" },
  // The CLI reads --priority for `submit --from` and `resubmit` too, but never sends it: only a submitted file gets it.
  "--priority": { key: "priority", ops: ["submit"], kind: "int" },
  "--scheduled-time": { key: "scheduledTime", ops: ["submit-from"], kind: "string" },
  "--memoized": { key: "memoized", ops: ["resubmit"], kind: "bool" },
  "--restart-successful": { key: "restartSuccessful", ops: ["retry"], kind: "bool" },
  "--node-field-selector": { key: "nodeFieldSelector", ops: ["retry", "resume", "stop"], kind: "string" },
  "--message": { key: "message", ops: ["stop"], kind: "string" },
};

/** Flags that only change what the CLI prints or logs: accepted and ignored (nothing is printed). */
const IGNORED = new Set(["-o", "--output", "--loglevel", "--gloglevel", "-v", "--verbose", "--strict"]);
const IGNORED_TAKES_VALUE = new Set(["-o", "--output", "--loglevel", "--gloglevel"]);

/** Why a known flag is refused: each would make the firing wait, read local files, or act on something else. */
const REFUSED: Record<string, string> = {
  "--wait": "a firing does not block until the Workflow completes (use policy.k8s to wait for a label)",
  "-w": "a firing does not block until the Workflow completes (use policy.k8s to wait for a label)",
  "--watch": "a firing does not watch the Workflow",
  "--log": "a firing does not follow pod logs",
  "--dry-run": "a trigger that creates nothing would be a no-op; use `impulse sensor test` to preview",
  "--server-dry-run": "a trigger that creates nothing would be a no-op; use `impulse sensor test` to preview",
  "--parameter-file": "it reads a file on the sensor's disk; pass parameters with -p or the trigger's parameters",
  "-f": "it reads a file on the sensor's disk; pass parameters with -p or the trigger's parameters",
  "--from": "use operation: submit-from with the template, CronWorkflow or ClusterWorkflowTemplate as the source",
  "--selector": "the trigger acts on the one Workflow its source names, not on a label query",
  "--field-selector": "the trigger acts on the one Workflow its source names, not on a field query",
  "--kubeconfig": "the sensor uses its own Kubernetes credentials",
  "--context": "the sensor uses its own Kubernetes credentials",
  "--cluster": "the sensor uses its own Kubernetes credentials",
  "--user": "the sensor uses its own Kubernetes credentials",
  "--token": "the sensor uses its own Kubernetes credentials",
  "--server": "the sensor uses its own Kubernetes credentials",
  "--argo-server": "Impulse talks to the Kubernetes API, not to an Argo Server",
  "-s": "Impulse talks to the Kubernetes API, not to an Argo Server",
  "--argo-http1": "Impulse talks to the Kubernetes API, not to an Argo Server",
  "--secure": "Impulse talks to the Kubernetes API, not to an Argo Server",
  "-e": "Impulse talks to the Kubernetes API, not to an Argo Server",
  "--insecure-skip-verify": "Impulse talks to the Kubernetes API, not to an Argo Server",
  "-k": "Impulse talks to the Kubernetes API, not to an Argo Server",
};

/** Refused flags that take a value: the value is skipped, so it is not reported as a stray word. */
const REFUSED_TAKES_VALUE = new Set(["-f", "--parameter-file", "--from", "--selector", "--field-selector", "--kubeconfig", "--context", "--cluster", "--user", "--token", "--server", "--argo-server", "-s"]);

const LABEL_PAIR = /^([A-Za-z0-9./_-]+)=([A-Za-z0-9._-]*)$/;

export interface ArgsProblem {
  /** Index into args of the offending word. */
  index: number;
  message: string;
}

/**
 * Reads `args` as the argo CLI would (`--flag value`, `--flag=value`, `-p value`, booleans as `--flag` or `--flag=true`).
 * Returns the options, or the problems (unknown flags, flags the operation does not take, refused flags, bad values).
 */
export function parseArgoWorkflowArgs(operation: ArgoWorkflowOperation, args: readonly string[] = []): { options: ArgoWorkflowOptions; problems: ArgsProblem[] } {
  const options: ArgoWorkflowOptions = {};
  const problems: ArgsProblem[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const eq = word.startsWith("-") ? word.indexOf("=") : -1;
    const flag = eq > 0 ? word.slice(0, eq) : word;
    const inline = eq > 0 ? word.slice(eq + 1) : undefined;
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined) {
        problems.push({ index: i, message: `${flag} needs a value` });
        return undefined;
      }
      i++;
      return next;
    };
    if (!word.startsWith("-")) {
      problems.push({ index: i, message: `"${word}" is not a flag: the Workflow (or template) comes from source, not from a file or name argument` });
      continue;
    }
    if (IGNORED.has(flag)) {
      if (IGNORED_TAKES_VALUE.has(flag) && inline === undefined) value();
      continue;
    }
    // On submit these only filter what --watch would print; the CLI takes them (Argo's special-workflow-trigger example passes one).
    if ((operation === "submit" || operation === "submit-from") && (flag === "--node-field-selector" || flag === "--status")) {
      if (inline === undefined) value();
      continue;
    }
    if (REFUSED[flag]) {
      problems.push({ index: i, message: `${flag} is not supported: ${REFUSED[flag]}` });
      if (REFUSED_TAKES_VALUE.has(flag) && inline === undefined) i++;
      continue;
    }
    const f = FLAGS[flag];
    if (!f) {
      problems.push({ index: i, message: `${flag} is not an argo ${operation} flag Impulse knows` });
      continue;
    }
    if (f.ops && !f.ops.includes(operation)) {
      problems.push({ index: i, message: `${flag} does not apply to operation ${operation} (only ${f.ops.join(", ")})` });
      if (f.kind !== "bool" && inline === undefined) i++;
      continue;
    }
    if (f.kind === "bool") {
      if (inline !== undefined && inline !== "true" && inline !== "false") problems.push({ index: i, message: `${flag} takes true or false, got "${inline}"` });
      (options as Record<string, unknown>)[f.key] = inline !== "false";
      continue;
    }
    const v = value();
    if (v === undefined) continue;
    if (f.kind === "string") (options as Record<string, unknown>)[f.key] = v;
    else if (f.kind === "int") {
      if (!/^-?\d+$/.test(v)) problems.push({ index: i, message: `${flag} takes an integer, got "${v}"` });
      else options.priority = Number(v);
    } else if (f.kind === "param") {
      const at = v.indexOf("=");
      if (at < 0) problems.push({ index: i, message: `${flag} takes NAME=VALUE, got "${v}"` });
      else (options.parameters ??= []).push({ name: v.slice(0, at), value: v.slice(at + 1) });
    } else {
      for (const pair of v.split(",").filter(Boolean)) {
        const m = LABEL_PAIR.exec(pair.trim());
        if (!m) problems.push({ index: i, message: `${flag} takes NAME=VALUE[,NAME=VALUE], got "${pair}"` });
        else (options.labels ??= {})[m[1]!] = m[2]!;
      }
    }
  }
  if (options.scheduledTime !== undefined && Number.isNaN(Date.parse(options.scheduledTime)))
    problems.push({ index: args.indexOf("--scheduled-time"), message: `--scheduled-time must be an RFC 3339 time, got "${options.scheduledTime}"` });
  if (options.restartSuccessful && !options.nodeFieldSelector)
    problems.push({ index: args.indexOf("--restart-successful"), message: "--restart-successful needs --node-field-selector (the nodes to restart)" });
  return { options, problems };
}
