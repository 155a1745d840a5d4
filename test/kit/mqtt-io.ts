// Publishes to a test MQTT broker with mqtt.js at QoS 1 (resolves once the broker PUBACKed every message).
import { connectAsync, type IClientOptions } from "mqtt";

export async function mqttPublish(url: string, topic: string, payloads: (string | Buffer)[], opts: IClientOptions = {}): Promise<void> {
  const c = await connectAsync(url, { ...opts, reconnectPeriod: 0, clientId: `impulse-test-pub-${Math.random().toString(16).slice(2)}` });
  try {
    for (const p of payloads) await c.publishAsync(topic, p, { qos: 1 });
  } finally {
    await c.endAsync();
  }
}
