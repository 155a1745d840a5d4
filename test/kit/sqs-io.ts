// A test's own SQS client against moto_server: create queues, send, and read a queue's counters.
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient, type MessageAttributeValue } from "@aws-sdk/client-sqs";
import { MOTO_CREDENTIALS, MOTO_REGION, type MotoServer } from "./moto.js";

export interface SqsIo {
  client: SQSClient;
  /** Creates the queue (attributes e.g. a RedrivePolicy) and returns its URL. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>;
  send(queueUrl: string, body: string, attributes?: Record<string, MessageAttributeValue>): Promise<string>;
  /** Messages still on the queue, visible or held by a reader (received, not deleted). */
  remaining(queueUrl: string): Promise<number>;
  arn(queueUrl: string): Promise<string>;
  close(): void;
}

export function sqsIo(moto: MotoServer): SqsIo {
  const client = new SQSClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS });
  const attrs = async (queueUrl: string) =>
    (await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }))).Attributes ?? {};
  return {
    client,
    createQueue: async (name, attributes) => (await client.send(new CreateQueueCommand({ QueueName: name, ...(attributes ? { Attributes: attributes } : {}) }))).QueueUrl!,
    send: async (queueUrl, body, attributes) =>
      (await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, ...(attributes ? { MessageAttributes: attributes } : {}) }))).MessageId!,
    remaining: async (queueUrl) => {
      const a = await attrs(queueUrl);
      return Number(a["ApproximateNumberOfMessages"] ?? 0) + Number(a["ApproximateNumberOfMessagesNotVisible"] ?? 0) + Number(a["ApproximateNumberOfMessagesDelayed"] ?? 0);
    },
    arn: async (queueUrl) => (await attrs(queueUrl))["QueueArn"]!,
    close: () => client.destroy(),
  };
}
