// The list of EventSource types Impulse supports; the EventSource schema is derived from it.
import { GenericConfig } from "./generic.js";
import { GerritConfig } from "./gerrit.js";
import { GithubConfig } from "./github.js";
import { GitlabConfig } from "./gitlab.js";
import { BitbucketServerConfig } from "./bitbucketserver.js";
import { BitbucketConfig } from "./bitbucket.js";
import { KafkaConfig } from "./kafka.js";
import { ResourceConfig } from "./resource.js";
import { SlackConfig } from "./slack.js";
import { StripeConfig } from "./stripe.js";
import { WebhookConfig } from "./webhook.js";

export const sourceConfigSchemas = {
  webhook: WebhookConfig,
  resource: ResourceConfig,
  kafka: KafkaConfig,
  github: GithubConfig,
  gitlab: GitlabConfig,
  bitbucketserver: BitbucketServerConfig,
  bitbucket: BitbucketConfig,
  generic: GenericConfig,
  slack: SlackConfig,
  stripe: StripeConfig,
  gerrit: GerritConfig,
} as const;

export type SourceType = keyof typeof sourceConfigSchemas;

/** Types Argo Events has that Impulse does not run yet: named in errors instead of "unknown field". */
export const ARGO_SOURCE_TYPES = [
  "calendar", "file", "sftp", "hdfs", "minio", "amqp", "mqtt", "nats", "nsq", "pulsar", "redis",
  "redisStream", "emitter", "pubSub", "sqs", "sns", "azureEventsHub", "azureServiceBus", "azureQueueStorage", "mns",
  "storageGrid",
] as const;
