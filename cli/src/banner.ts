// What `impulse dev` prints once everything runs: for each source, what makes it produce an event.
import type { EventSource, Resource } from "@impulse/api";

const VERBS: Record<string, string> = { ADD: "create", UPDATE: "update", DELETE: "delete" };

function host(listenAddress: string): string {
  return listenAddress === "0.0.0.0" || listenAddress === "127.0.0.1" || listenAddress === "::" ? "localhost" : listenAddress.includes(":") ? `[${listenAddress}]` : listenAddress;
}

/** One line per event of every EventSource: a curl for a webhook, what to do in the cluster or on the topic otherwise. */
export function sourceHints(resources: Resource[], listenAddress: string): string[] {
  return resources
    .filter((r): r is EventSource => r.kind === "EventSource")
    .flatMap((r) => {
      const at = (event: string) => `${r.metadata.name}/${event}: `;
      const webhooks = Object.entries(r.spec.webhook ?? {}).map(([name, w]) => {
        const method = w.method ?? "POST";
        const body = method === "GET" ? "" : ` -H 'Content-Type: application/json' -d '{"message":"hello"}'`;
        const scheme = w.serverCertSecret ? "https" : "http";
        // The name as a trailing shell comment: the whole line can be pasted into a shell as it is.
        return `curl -X ${method}${body} ${scheme}://${host(listenAddress)}:${w.port}${w.endpoint}   # ${r.metadata.name}/${name}`;
      });
      const watches = Object.entries(r.spec.resource ?? {}).map(([name, w]) => {
        const verbs = w.eventTypes.map((t) => VERBS[t] ?? t).join(", ");
        const kind = w.group ? `${w.resource}.${w.group}/${w.version}` : `${w.resource} (${w.version})`;
        const labels = (w.filter?.labels ?? []).map((l) => `${l.key}${l.operation === "exists" ? "" : `${l.operation}${l.value}`}`);
        const where = w.namespace ? `namespace ${w.namespace}` : "any namespace";
        return `${at(name)}${verbs} ${kind} in ${where}${labels.length ? ` labelled ${labels.join(",")}` : ""}`;
      });
      const topics = Object.entries(r.spec.kafka ?? {}).map(([name, k]) => `${at(name)}produce a record to Kafka topic ${k.topic} at ${k.url}`);
      const schedules = Object.entries(r.spec.calendar ?? {}).map(
        ([name, c]) => `${at(name)}fires ${c.schedule ? `on "${c.schedule}"${c.timezone ? ` (${c.timezone})` : " (UTC)"}` : `every ${c.interval}`}`,
      );
      const files = Object.entries(r.spec.file ?? {}).map(([name, f]) => {
        const which = f.watchPathConfig.path ?? `a file matching ${f.watchPathConfig.pathRegexp}`;
        return `${at(name)}${f.eventType} ${which} in ${f.watchPathConfig.directory}`;
      });
      return [...webhooks, ...watches, ...topics, ...schedules, ...files];
    });
}
