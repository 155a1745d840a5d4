// Process inspection for suites that check what a CLI process started and left behind (Linux /proc).
import { existsSync, readFileSync } from "node:fs";

/** Direct children of a process. */
export function childPids(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}

/** The executable name of a process, or undefined when it is gone. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Alive = exists and is not a zombie (an orphan's zombie may linger where PID 1 does not reap). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** TCP sockets listening on `port`, as "address" strings (127.0.0.1, 0.0.0.0, ::, ...), from /proc/net/tcp{,6}. */
export function listenAddresses(port: number): string[] {
  const found: string[] = [];
  for (const [file, v6] of [["/proc/net/tcp", false], ["/proc/net/tcp6", true]] as const) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== "0A") continue; // 0A = LISTEN
      const [addrHex, portHex] = cols[1]!.split(":") as [string, string];
      if (Number.parseInt(portHex, 16) !== port) continue;
      found.push(v6 ? (/^0+$/.test(addrHex) ? "::" : addrHex) : addrHex.match(/../g)!.reverse().map((h) => Number.parseInt(h, 16)).join("."));
    }
  }
  return found;
}
