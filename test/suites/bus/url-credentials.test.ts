// Credentials inside the NATS URL (nats://user:pw@host) against a nats-server that requires them: used, never logged.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { ErrorCodes, isImpulseError } from "@impulse/api";
import { JetStreamBus, type BusLogger, type NatsServer } from "@impulse/bus";
import { startNats } from "../../kit/nats.js";
import { waitFor } from "../../kit/wait.js";
import { event } from "./contract.js";

const USER = "alice";
const PASSWORD = "p@ss w0rd-secret";
let nats: NatsServer;

before(async () => {
  nats = await startNats({ extraArgs: ["--user", USER, "--pass", PASSWORD] });
});
after(async () => nats?.stop());

function capture(): { logger: BusLogger; text: () => string } {
  const lines: string[] = [];
  const log = (obj: object, msg?: string) => void lines.push(JSON.stringify({ ...obj, msg }));
  return { logger: { info: log, warn: log, error: log }, text: () => lines.join("\n") };
}
const withCredentials = (password: string) => `nats://${USER}:${encodeURIComponent(password)}@127.0.0.1:${nats.port}`;

it("connects with the user and password of the URL, and logs the URL without them", async () => {
  const logs = capture();
  const bus = await JetStreamBus.connect({ namespace: "creds", busName: "default", url: withCredentials(PASSWORD), logger: logs.logger });
  try {
    assert.equal((await bus.publish(event("es", "e", { n: 1 }))).duplicate, false);
    assert.match(logs.text(), /connected to event bus/);
    assert.match(logs.text(), /nats:\/\/\*\*\*@127\.0\.0\.1/);
    assert.doesNotMatch(logs.text(), /w0rd|alice/);
  } finally {
    await bus.close();
  }
});

it("never logs the credentials while it retries a refused login", async () => {
  const logs = capture();
  const ac = new AbortController();
  const connecting = JetStreamBus.connect({ namespace: "creds", busName: "default", url: withCredentials("wrong-pw-xyz"), logger: logs.logger, signal: ac.signal });
  await waitFor("a retry logged", () => /retrying/.test(logs.text()));
  ac.abort();
  await assert.rejects(connecting);
  assert.match(logs.text(), /nats:\/\/\*\*\*@127\.0\.0\.1/);
  assert.doesNotMatch(logs.text(), /wrong-pw-xyz|alice/);
});

it("refuses credentials given both in the URL and separately", async () => {
  await assert.rejects(
    JetStreamBus.connect({ namespace: "creds", busName: "default", url: withCredentials(PASSWORD), user: "bob", password: "x", logger: capture().logger }),
    (e) => isImpulseError(e) && e.code === ErrorCodes.InvalidSpec && /give them one way/.test(e.message),
  );
});
