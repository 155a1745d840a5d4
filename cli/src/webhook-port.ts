// `impulse dev --webhook-port`: run example files on another port without editing them (npm start -- --webhook-port 12001).
import type { Resource } from "@impulse/api";

/** Every webhook event moves to `port`; files that use several webhook ports are refused (which one would move?). */
export function overrideWebhookPort(resources: Resource[], port: string): Resource[] {
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new Error(`--webhook-port ${port}: must be a port number`);
  const ports = new Set(resources.flatMap((r) => (r.kind === "EventSource" ? Object.values(r.spec.webhook ?? {}).map((w) => w.port) : [])));
  if (ports.size === 0) throw new Error("--webhook-port: the files have no webhook event");
  if (ports.size > 1) throw new Error(`--webhook-port: the webhook events use several ports (${[...ports].join(", ")}); edit their spec.webhook.<event>.port instead`);
  return resources.map((r) =>
    r.kind === "EventSource" && r.spec.webhook
      ? { ...r, spec: { ...r.spec, webhook: Object.fromEntries(Object.entries(r.spec.webhook).map(([name, w]) => [name, { ...w, port }])) } }
      : r,
  );
}
