// Starts a real single-node Apache Kafka 4.x broker (KRaft) for one test file, from the jars tools/kafka/install.sh caches.
import { execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@impulse/bus";
import { Kafka, logLevel } from "kafkajs";
import { repoRoot } from "./cli.js";
import { stopServersOnKill } from "./reaper.js";
import { OutputTail, spawnServer, untilReady } from "./server-process.js";
import { stopProcess } from "@impulse/bus";

export interface KafkaBroker {
  /** host:port of the PLAINTEXT listener. */
  brokers: string[];
  /** "127.0.0.1:<port>", as an EventSource `url` takes it. */
  url: string;
  pid: number | undefined;
  /** The broker's own log (slf4j-simple), for failure messages. */
  log(): string;
  /** Stops the broker (SIGTERM, SIGKILL after 10 s) and removes its data. */
  stop(): Promise<void>;
  /** Stops it and starts it again on the same ports and data (outage tests); `downMs` is how long it stays down. */
  restart(downMs?: number): Promise<void>;
  /** Stops it, keeping data and ports, until `start()`. */
  pause(): Promise<void>;
  start(): Promise<void>;
}

/** The classpath file of the cached jars; install.sh resolves them once (it is a no-op when they are cached). */
function classpath(): string {
  const dir = process.env["IMPULSE_KAFKA_DIR"] ?? execFileSync("bash", [join(repoRoot, "tools/kafka/install.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return readFileSync(join(dir, "kafka.cp"), "utf8").trim();
}

/** Test-only single-node settings; the replication-factor-1 lines are mandatory or the group coordinator never appears. */
function serverProperties(port: number, controllerPort: number, dataDir: string): string {
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${dataDir}
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
`;
}

/** Small heap, serial GC and C1 only: several brokers may share 2 cores with the tests. */
const JVM_FLAGS = ["-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Djava.awt.headless=true"];

async function answersMetadata(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function startKafka(): Promise<KafkaBroker> {
  stopServersOnKill();
  const cp = classpath();
  const dir = mkdtempSync(join(tmpdir(), "impulse-kafka-"));
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const port = await freePort();
  const controllerPort = await freePort();
  const props = join(dir, "server.properties");
  writeFileSync(props, serverProperties(port, controllerPort, dataDir));
  // A random cluster id here avoids a JVM start for `random-uuid`. Not one starting with "-" (1 in 64), as Kafka's own
  // Uuid.randomUuid() ensures: the tool would read it as an option (a CI run failed on "--cluster-id: expected one argument").
  let clusterId: string;
  do clusterId = randomBytes(16).toString("base64url");
  while (clusterId.startsWith("-"));
  execFileSync("java", [...JVM_FLAGS, "-cp", cp, "kafka.tools.StorageTool", "format", `--cluster-id=${clusterId}`, "--config", props, "--ignore-formatted"], {
    stdio: ["ignore", "ignore", "pipe"],
  });

  const brokers = [`127.0.0.1:${port}`];
  // One tail for all runs of the broker: a test that restarts it reads why it went wrong across restarts.
  const tail = new OutputTail(200_000);
  let proc: ChildProcess | undefined;
  const probe = new Kafka({ clientId: "impulse-test-kit", brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 });
  const launch = async () => {
    const server = spawnServer("java", [...JVM_FLAGS, "-cp", cp, "kafka.Kafka", props], { tail });
    proc = server.proc;
    // Ready when a client can fetch cluster metadata (the log line alone does not mean the listener answers).
    await untilReady("kafka", server, () => answersMetadata(probe), { timeoutMs: 60_000, intervalMs: 250 });
  };
  await launch();

  return {
    brokers,
    url: brokers[0]!,
    get pid() {
      return proc?.pid;
    },
    log: () => tail.toString(),
    stop: async () => {
      if (proc) await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
    pause: async () => {
      if (proc) await stopProcess(proc);
    },
    start: launch,
    restart: async (downMs = 0) => {
      if (proc) await stopProcess(proc);
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
  };
}
