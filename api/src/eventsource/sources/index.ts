// The list of EventSource types Impulse supports; the EventSource schema is derived from it.
import { AzureQueueStorageConfig } from "./azure-queue-storage.js";
import { CalendarConfig } from "./calendar.js";
import { FileConfig } from "./file.js";
import { GenericConfig } from "./generic.js";
import { GerritConfig } from "./gerrit.js";
import { GithubConfig } from "./github.js";
import { GitlabConfig } from "./gitlab.js";
import { HdfsConfig } from "./hdfs.js";
import { BitbucketServerConfig } from "./bitbucketserver.js";
import { BitbucketConfig } from "./bitbucket.js";
import { AMQPConfig } from "./amqp.js";
import { KafkaConfig } from "./kafka.js";
import { MinioConfig } from "./minio.js";
import { MQTTConfig } from "./mqtt.js";
import { NATSConfig } from "./nats.js";
import { NSQConfig } from "./nsq.js";
import { PubSubConfig } from "./pubsub.js";
import { RedisConfig, RedisStreamConfig } from "./redis.js";
import { ResourceConfig } from "./resource.js";
import { SlackConfig } from "./slack.js";
import { SNSConfig } from "./sns.js";
import { SQSConfig } from "./sqs.js";
import { PulsarConfig } from "./pulsar.js";
import { StripeConfig } from "./stripe.js";
import { WebhookConfig } from "./webhook.js";

export const sourceConfigSchemas = {
  webhook: WebhookConfig,
  resource: ResourceConfig,
  kafka: KafkaConfig,
  nats: NATSConfig,
  redis: RedisConfig,
  redisStream: RedisStreamConfig,
  calendar: CalendarConfig,
  azureQueueStorage: AzureQueueStorageConfig,
  file: FileConfig,
  hdfs: HdfsConfig,
  sqs: SQSConfig,
  sns: SNSConfig,
  minio: MinioConfig,
  pulsar: PulsarConfig,

  github: GithubConfig,
  gitlab: GitlabConfig,
  bitbucketserver: BitbucketServerConfig,
  bitbucket: BitbucketConfig,

  generic: GenericConfig,
  slack: SlackConfig,
  stripe: StripeConfig,
  gerrit: GerritConfig,
  amqp: AMQPConfig,
  mqtt: MQTTConfig,
  nsq: NSQConfig,
  pubSub: PubSubConfig,
} as const;

export type SourceType = keyof typeof sourceConfigSchemas;

/**
 * Every EventSource type Argo Events v1.9 has. A key of spec: that is one of these but not in sourceConfigSchemas is
 * named "not supported yet" instead of "unknown field"; the list is complete so adding a type never edits it.
 */
export const ARGO_SOURCE_TYPES = [
  "amqp", "azureEventsHub", "azureQueueStorage", "azureServiceBus", "bitbucket", "bitbucketserver", "calendar", "emitter",
  "file", "generic", "gerrit", "github", "gitlab", "hdfs", "kafka", "minio", "mns", "mqtt", "nats", "nsq", "pubSub",
  "pulsar", "redis", "redisStream", "resource", "sftp", "slack", "sns", "sqs", "storageGrid", "stripe", "webhook",
] as const;
