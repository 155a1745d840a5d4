// The controller loop: watch the three kinds and their workloads, queue what changed, reconcile, retry failures with backoff.
import { runWithLease, type KubeObject } from "@impulse/eventsource";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { randomBytes } from "node:crypto";
import type { Registry } from "prom-client";
import type { CustomResource } from "./builders/types.js";
import { Kube, KubeHttpError, pathFor } from "./kube/client.js";
import { EventRecorder } from "./kube/events.js";
import { Informer, type InformerEvent } from "./kube/informer.js";
import { MANAGER, KINDS, ownerFromLabels, type Kind } from "./meta.js";
import { createControllerMetrics } from "./metrics.js";
import { WorkQueue } from "./queue.js";
import type { ControllerOptions, ReconcileContext } from "./reconcile/context.js";
import { reconcileEventBus } from "./reconcile/eventbus.js";
import { reconcileRuntime } from "./reconcile/runtime.js";
import { writeStatus } from "./reconcile/status.js";

export interface ControllerConfig {
  kubeConfig: KubeConfig;
  /** Watch only this namespace (namespaced install); undefined: every namespace. */
  namespace?: string;
  options: ControllerOptions;
  /** This replica (pod name): the Lease holder identity and the Events' reporting instance. */
  identity: string;
  /** Compete for the Lease `impulse-controller` in this namespace; without it this replica always reconciles. */
  leaderElection?: { namespace: string; leaseDurationMs?: number };
  logger: Logger;
  registry: Registry;
  workers?: number;
  /** Every resource is reconciled again this often, to repair drift nobody was told about (default 10 min). */
  resyncMs?: number;
}

export interface RunningController {
  /** Ready: a standby, or the leader once every cache holds its first list. */
  ready(): { ready: boolean; leader: boolean; synced: boolean };
  health(): { healthy: boolean; leader: boolean; watchErrors: string[] };
  done: Promise<void>;
}

const WORKLOADS = ["Deployment", "StatefulSet"] as const;

export function startController(cfg: ControllerConfig, signal: AbortSignal): RunningController {
  const metrics = createControllerMetrics(cfg.registry);
  let informers: Informer[] = [];
  let leader = false;
  const run = async (leading: AbortSignal) => {
    leader = true;
    metrics.leader.set(1);
    try {
      await reconcileLoop(cfg, metrics, leading, (i) => (informers = i));
    } finally {
      leader = false;
      informers = [];
      metrics.leader.set(0);
    }
  };
  const done = cfg.leaderElection
    ? runWithLease({ kubeConfig: cfg.kubeConfig, namespace: cfg.leaderElection.namespace, name: MANAGER, identity: cfg.identity, logger: cfg.logger, ...(cfg.leaderElection.leaseDurationMs ? { leaseDurationMs: cfg.leaderElection.leaseDurationMs } : {}) }, signal, run)
    : run(signal);
  return {
    ready: () => {
      const synced = informers.length > 0 && informers.every((i) => i.synced);
      return { ready: leader ? synced : true, leader, synced };
    },
    health: () => ({ healthy: true, leader, watchErrors: informers.map((i) => i.error).filter((e): e is string => e !== undefined) }),
    done,
  };
}

async function reconcileLoop(cfg: ControllerConfig, metrics: ReturnType<typeof createControllerMetrics>, signal: AbortSignal, publish: (i: Informer[]) => void): Promise<void> {
  const log = cfg.logger;
  const kube = new Kube(cfg.kubeConfig);
  const ctx: ReconcileContext = {
    kube,
    recorder: new EventRecorder(kube, cfg.identity, log),
    log,
    options: cfg.options,
    token: () => randomBytes(32).toString("hex"),
    now: () => new Date(),
  };
  const queue = new WorkQueue();
  const ns = cfg.namespace ?? "";
  const keyOf = (kind: Kind, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

  const crInformers = new Map<Kind, Informer>();
  for (const kind of KINDS) {
    crInformers.set(
      kind,
      new Informer({
        kubeConfig: cfg.kubeConfig,
        path: pathFor(kind, ns),
        logger: log,
        onEvent: (_type: InformerEvent, obj: KubeObject) => {
          queue.add(keyOf(kind, obj.metadata.namespace ?? "", obj.metadata.name));
          if (kind === "EventBus") enqueueBusUsers(obj.metadata.namespace ?? "", obj.metadata.name);
        },
      }),
    );
  }
  // Runtimes that use a bus are reconciled again when it changes (its connection or readiness feeds theirs).
  function enqueueBusUsers(namespace: string, bus: string): void {
    for (const kind of ["EventSource", "Sensor"] as const)
      for (const o of crInformers.get(kind)!.list())
        if (o.metadata.namespace === namespace && ((o["spec"] as { eventBusName?: string } | undefined)?.eventBusName ?? "default") === bus) queue.add(keyOf(kind, namespace, o.metadata.name));
  }
  const workloadInformers = WORKLOADS.map(
    (kind) =>
      new Informer({
        kubeConfig: cfg.kubeConfig,
        path: pathFor(kind, ns),
        labelSelector: `app.kubernetes.io/managed-by=${MANAGER}`,
        logger: log,
        onEvent: (_type, obj) => {
          const owner = ownerFromLabels((obj.metadata as { labels?: Record<string, string> }).labels);
          if (owner) queue.add(keyOf(owner.kind, obj.metadata.namespace ?? "", owner.name));
        },
      }),
  );
  const all = [...crInformers.values(), ...workloadInformers];
  publish(all);

  const resync = setInterval(() => {
    for (const [kind, inf] of crInformers) for (const o of inf.list()) queue.add(keyOf(kind, o.metadata.namespace ?? "", o.metadata.name));
  }, cfg.resyncMs ?? 600_000);
  resync.unref();
  const depth = setInterval(() => metrics.queueDepth.set(queue.depth), 1000);
  depth.unref();

  const handle = async (key: string) => {
    const [kind, namespace, name] = key.split("/") as [Kind, string, string];
    const end = metrics.duration.startTimer({ kind });
    try {
      if (kind === "EventBus") await reconcileEventBus(ctx, namespace, name);
      else await reconcileRuntime(ctx, kind, namespace, name);
      metrics.reconciles.inc({ kind, result: "success" });
      queue.forget(key);
    } catch (e) {
      metrics.reconciles.inc({ kind, result: "error" });
      const message = (e as Error).message;
      // A conflict means someone changed the object meanwhile: simply try again with the new version.
      if (e instanceof KubeHttpError && e.status === 409) {
        queue.addAfter(key, 100);
        return;
      }
      const delay = queue.retry(key);
      log.warn({ kind, namespace, name, err: message, retryInMs: delay }, "reconcile failed");
      const cr = crInformers.get(kind)!.get(namespace, name) as unknown as CustomResource | undefined;
      if (cr && !cr.metadata.deletionTimestamp)
        await writeStatus(ctx, { ...cr, apiVersion: cr.apiVersion ?? "impulse.dev/v1alpha1", kind }, [{ type: "Ready", status: "False", reason: "ReconcileFailed", message }]).catch(() => undefined);
    } finally {
      end();
    }
  };

  log.info({ namespace: cfg.namespace ?? "(all)" }, "controller started");
  try {
    await Promise.all([...all.map((i) => i.run(signal)), queue.run(cfg.workers ?? 2, handle, signal)]);
  } finally {
    clearInterval(resync);
    clearInterval(depth);
  }
}
