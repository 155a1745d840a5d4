// A test's own SNS client against moto_server: create topics, publish, list a topic's subscriptions.
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { MOTO_CREDENTIALS, MOTO_REGION } from "./moto.js";

export interface SnsIo {
  createTopic(name: string): Promise<string>;
  publish(topicArn: string, message: string, subject?: string): Promise<string>;
  /** Endpoints subscribed to the topic (http/https). */
  subscribers(topicArn: string): Promise<string[]>;
  close(): void;
}

export function snsIo(endpoint: string): SnsIo {
  const client = new SNSClient({ endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  return {
    createTopic: async (name) => (await client.send(new CreateTopicCommand({ Name: name }))).TopicArn!,
    publish: async (topicArn, message, subject) => (await client.send(new PublishCommand({ TopicArn: topicArn, Message: message, ...(subject ? { Subject: subject } : {}) }))).MessageId!,
    subscribers: async (topicArn) => ((await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? []).map((s) => s.Endpoint ?? ""),
    close: () => client.destroy(),
  };
}
