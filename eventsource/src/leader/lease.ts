// Leader election on a coordination.k8s.io Lease: one replica runs the singleton sources, the others stand by.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { setTimeout as sleep } from "node:timers/promises";
import { KubeHttpError, kubeRequest } from "../kube-http.js";

export interface LeaseOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** Lease name, e.g. eventsource-<name>. */
  name: string;
  /** This replica (pod name); must differ between replicas. */
  identity: string;
  /** How long a Lease holds without renewal (default 15 s, as controller-runtime). */
  leaseDurationMs?: number;
  /** How often the holder renews and a candidate retries (default a third of the duration). */
  retryPeriodMs?: number;
  logger: Logger;
  /**
   * Told after every campaign attempt: undefined when the Lease could be read (held here or elsewhere), else why not
   * (e.g. RBAC forbids leases). A replica that cannot even campaign must not look like a healthy standby.
   */
  onLeaseError?: (error: string | undefined) => void;
}

const statusOf = (e: unknown) => (e instanceof KubeHttpError ? e.status : undefined);

interface Lease {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** Lease times are MicroTime: the server insists on exactly six fractional digits. */
const microTime = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

/**
 * Campaigns for the Lease until `signal` aborts; each time this replica wins, `lead` runs with a signal that aborts
 * when the Lease is lost (a renewal failed for longer than the lease duration). On shutdown the Lease is released,
 * so a standby takes over at once instead of after the lease duration.
 */
export async function runWithLease(o: LeaseOptions, signal: AbortSignal, lead: (leading: AbortSignal) => Promise<void>): Promise<void> {
  const collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(o.namespace)}/leases`;
  const item = `${collection}/${encodeURIComponent(o.name)}`;
  const read = async () => (await (await kubeRequest(o.kubeConfig, "GET", item, undefined)).json()) as Lease;
  const replace = async (lease: Lease) => void (await kubeRequest(o.kubeConfig, "PUT", item, lease)).body?.cancel();
  const durationMs = o.leaseDurationMs ?? 15_000;
  const retryMs = o.retryPeriodMs ?? Math.max(200, Math.floor(durationMs / 3));
  const log = o.logger.child({ lease: `${o.namespace}/${o.name}`, identity: o.identity });

  let observed: { rv: string | undefined; at: number } = { rv: undefined, at: 0 };

  /** One attempt to take or renew the Lease; true while this replica holds it. */
  async function tryAcquire(): Promise<boolean> {
    const now = new Date();
    let lease: Lease;
    try {
      lease = await read();
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
      const body: Lease = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: o.name, namespace: o.namespace },
        spec: { holderIdentity: o.identity, leaseDurationSeconds: Math.ceil(durationMs / 1000), acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
      };
      try {
        await (await kubeRequest(o.kubeConfig, "POST", collection, body)).body?.cancel();
        return true;
      } catch (err) {
        if (statusOf(err) === 409) return false; // another replica created it first
        throw err;
      }
    }
    const spec = lease.spec ?? {};
    const held = spec.holderIdentity === o.identity;
    // Expiry is judged by when this replica saw the record last change, not by the holder's clock (as client-go does).
    if (lease.metadata.resourceVersion !== observed.rv) observed = { rv: lease.metadata.resourceVersion, at: now.getTime() };
    const expired = !spec.holderIdentity || observed.at + (spec.leaseDurationSeconds ?? 0) * 1000 < now.getTime();
    if (!held && !expired) return false;
    lease.spec = {
      ...spec,
      holderIdentity: o.identity,
      leaseDurationSeconds: Math.ceil(durationMs / 1000),
      renewTime: microTime(now),
      ...(held ? {} : { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
    };
    try {
      // The resourceVersion in the body makes this a compare-and-swap: two candidates cannot both win.
      await replace(lease);
      return true;
    } catch (e) {
      if (statusOf(e) === 409) return false;
      throw e;
    }
  }

  async function release(): Promise<void> {
    try {
      const lease = await read();
      if (lease.spec?.holderIdentity !== o.identity) return;
      lease.spec = { ...lease.spec, holderIdentity: "" };
      await replace(lease);
      log.info("lease released");
    } catch (e) {
      log.warn({ err: (e as Error).message }, "could not release the lease; a standby takes over when it expires");
    }
  }

  while (!signal.aborted) {
    let acquired = false;
    try {
      acquired = await tryAcquire();
      o.onLeaseError?.(undefined);
    } catch (e) {
      log.warn({ err: (e as Error).message }, "lease check failed");
      o.onLeaseError?.((e as Error).message);
    }
    if (!acquired) {
      await sleep(retryMs, undefined, { signal }).catch(() => undefined);
      continue;
    }
    log.info("leading");
    const leading = new AbortController();
    const onShutdown = () => leading.abort(signal.reason);
    signal.addEventListener("abort", onShutdown, { once: true });
    const work = lead(leading.signal)
      .catch((e: unknown) => log.error({ err: (e as Error).message }, "leader work failed"))
      // Work that ended by itself hands the lease on rather than holding it idle.
      .finally(() => leading.abort(new Error("leader work ended")));
    // Renew until shutdown or until renewals have failed for longer than the lease lasts (then another may hold it).
    let lastRenewed = Date.now();
    while (!leading.signal.aborted) {
      await sleep(retryMs, undefined, { signal: leading.signal }).catch(() => undefined);
      if (leading.signal.aborted) break;
      try {
        if (await tryAcquire()) lastRenewed = Date.now();
        else {
          log.warn("another replica holds the lease: stopping");
          leading.abort(new Error("lost the lease"));
        }
      } catch (e) {
        // The API server may be briefly unreachable: keep leading while the lease is still ours.
        log.warn({ err: (e as Error).message }, "lease renewal failed");
        if (Date.now() - lastRenewed >= durationMs - retryMs) {
          log.warn("could not renew the lease in time: stopping");
          leading.abort(new Error("lease expired"));
        }
      }
    }
    signal.removeEventListener("abort", onShutdown);
    await work;
    await release();
  }
}
