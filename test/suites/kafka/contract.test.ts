// The queue-like source contract for the kafka EventSource (delivery, SIGKILL mid-stream, bus and broker outages, poison), on its own broker.
import assert from "node:assert/strict";
import { startKafka } from "../../kit/kafka.js";
import { createTopic, kafkaClient, produce } from "../../kit/kafka-io.js";
import { sourceContract } from "../../kit/source-contract.js";

sourceContract({
  type: "kafka",
  guarantee: "at-least-once",
  // A restarted member waits out the SIGKILLed one's session (10 s) before it gets the partition.
  restartTimeoutMs: 90_000,
  async start() {
    const kafka = await startKafka();
    return {
      // One partition and one group per check: the group's committed offset is what "acknowledged upstream" means.
      eventConfig: (topic) => ({ url: kafka.url, topic, jsonBody: true, consumerGroup: { groupName: topic, oldest: true }, connectionBackoff: { duration: "200ms", steps: 2 } }),
      prepare: (topic) => createTopic(kafka.brokers, topic, 1),
      publish: async (topic, payloads) => void (await produce(kafka.brokers, topic, payloads.map((value) => ({ value })))),
      expectData: (d, topic) => {
        assert.equal(d["topic"], topic);
        assert.equal(d["partition"], 0);
        assert.match(String(d["timestamp"]), / \+0000 UTC$/);
        return d["body"];
      },
      acknowledged: async (topic) => {
        const admin = kafkaClient(kafka.brokers).admin();
        await admin.connect();
        try {
          const [t] = await admin.fetchOffsets({ groupId: topic, topics: [topic] });
          return Math.max(0, Number(t!.partitions[0]?.offset ?? 0));
        } finally {
          await admin.disconnect();
        }
      },
      down: () => kafka.pause(),
      up: () => kafka.start(),
      stop: () => kafka.stop(),
    };
  },
});
