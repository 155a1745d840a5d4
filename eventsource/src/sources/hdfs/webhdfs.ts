// A minimal WebHDFS client: LISTSTATUS against the NameNodes of a cluster, failing over to the next address when one
// is down or in standby (with HA, only the active NameNode answers).

/** One entry of a LISTSTATUS answer (the fields the watcher uses). */
export interface HdfsFileStatus {
  pathSuffix: string;
  type: "FILE" | "DIRECTORY" | "SYMLINK";
  /** The inode id: stays with the file across a rename. */
  fileId: number;
  length: number;
  modificationTime: number;
  /** Octal, e.g. "644". */
  permission: string;
}

/** The path does not exist (a RemoteException FileNotFoundException). */
export class HdfsNotFound extends Error {}

/** Per request: a NameNode that does not answer within this is treated as down. */
const REQUEST_TIMEOUT_MS = 15_000;

/** The base URL of a NameNode address: host:port is plain HTTP, an http(s):// URL is taken as written. */
export function webHdfsBase(address: string): string {
  return /^https?:\/\//.test(address) ? address.replace(/\/+$/, "") : `http://${address}`;
}

const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");

interface RemoteException {
  RemoteException?: { exception?: string; message?: string };
}

export class WebHdfsClient {
  /** The address that answered last: tried first next time. */
  private current = 0;

  constructor(
    private readonly addresses: readonly string[],
    private readonly user: string | undefined,
  ) {}

  async listStatus(path: string, signal: AbortSignal): Promise<HdfsFileStatus[]> {
    const body = (await this.get(path, "LISTSTATUS", signal)) as { FileStatuses?: { FileStatus?: HdfsFileStatus[] } };
    return body.FileStatuses?.FileStatus ?? [];
  }

  /** GETs one operation from the active NameNode; throws with every address's failure when none answers. */
  private async get(path: string, op: string, signal: AbortSignal): Promise<unknown> {
    const failures: string[] = [];
    for (let i = 0; i < this.addresses.length; i++) {
      const at = (this.current + i) % this.addresses.length;
      const address = this.addresses[at]!;
      const url = `${webHdfsBase(address)}/webhdfs/v1${encodePath(path)}?op=${op}${this.user ? `&user.name=${encodeURIComponent(this.user)}` : ""}`;
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]), redirect: "error" });
      } catch (e) {
        if (signal.aborted) throw e;
        failures.push(`${address}: ${describeFetchError(e)}`);
        continue;
      }
      const text = await res.text();
      if (res.ok) {
        this.current = at;
        return JSON.parse(text) as unknown;
      }
      const remote = parseRemote(text);
      if (remote?.exception === "FileNotFoundException") {
        this.current = at;
        throw new HdfsNotFound(`${path} does not exist`);
      }
      // A standby NameNode (HA) refuses reads: the active one is another address.
      failures.push(`${address}: HTTP ${res.status}${remote ? ` ${remote.exception}: ${firstLine(remote.message)}` : ""}`);
    }
    throw new Error(`no NameNode answered ${op} ${path} (${failures.join("; ")})`);
  }
}

function parseRemote(text: string): { exception: string; message: string } | undefined {
  try {
    const r = (JSON.parse(text) as RemoteException).RemoteException;
    return r?.exception ? { exception: r.exception, message: r.message ?? "" } : undefined;
  } catch {
    return undefined;
  }
}

const firstLine = (s: string) => s.split("\n")[0]!.slice(0, 200);

function describeFetchError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if ((e as Error).name === "TimeoutError") return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return cause?.code ?? cause?.message ?? (e as Error).message;
}
