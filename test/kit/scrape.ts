// Reads one counter of a running `impulse` process from its /metrics endpoint (summed over the series matching the labels).
import { request } from "undici";

export async function scrapeCounter(metricsPort: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await request(`http://127.0.0.1:${metricsPort}/metrics`)).body.text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}
