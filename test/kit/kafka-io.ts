// Test-side Kafka I/O: create topics, produce records, read a topic back (kafkajs, the same client the runtimes use).
import { Kafka, logLevel, type IHeaders } from "kafkajs";

export interface Produced {
  key?: string | null;
  value: string | Buffer | null;
  partition?: number;
  headers?: IHeaders;
}

export interface Consumed {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export function kafkaClient(brokers: string[]): Kafka {
  return new Kafka({ clientId: "impulse-test", brokers, logLevel: logLevel.NOTHING });
}

export async function createTopic(brokers: string[], topic: string, partitions: number): Promise<void> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Produces the records in one request (acks from all replicas) and returns the offset each got, in order. */
export async function produce(brokers: string[], topic: string, records: Produced[]): Promise<{ partition: number; offset: number }[]> {
  const producer = kafkaClient(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const out: { partition: number; offset: number }[] = [];
    // One send per record keeps the returned offsets aligned with the input order.
    for (const r of records) {
      const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: r.key ?? null, value: r.value, ...(r.partition !== undefined ? { partition: r.partition } : {}), ...(r.headers ? { headers: r.headers } : {}) }] });
      out.push({ partition: meta!.partition, offset: Number(meta!.baseOffset) });
    }
    return out;
  } finally {
    await producer.disconnect();
  }
}

/** Reads every record of a topic from the beginning until `count` arrived (or the deadline passes). */
export async function readTopic(brokers: string[], topic: string, count: number, timeoutMs = 30_000): Promise<Consumed[]> {
  const consumer = kafkaClient(brokers).consumer({ groupId: `impulse-test-reader-${topic}-${Date.now()}`, sessionTimeout: 10_000 });
  await consumer.connect();
  const got: Consumed[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${got.length} of ${count} records from ${topic} in ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
          got.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? "", headers });
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return got;
  } finally {
    await consumer.disconnect();
  }
}
