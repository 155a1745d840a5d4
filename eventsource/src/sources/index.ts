// The registry of source types: adding a source is one file and one entry here.
import type { EventSourceDefinition } from "../define.js";
import { azureQueueStorage } from "./azure-queue-storage/index.js";
import { pulsar } from "./pulsar/index.js";
import { calendar } from "./calendar/index.js";
import { file } from "./file/index.js";
import { bitbucket } from "./bitbucket/index.js";
import { bitbucketserver } from "./bitbucketserver/index.js";
import { generic } from "./generic/index.js";
import { gerrit } from "./gerrit/index.js";
import { github } from "./github/index.js";
import { gitlab } from "./gitlab/index.js";
import { hdfs } from "./hdfs/index.js";
import { amqp } from "./amqp/index.js";
import { kafka } from "./kafka/index.js";
import { minio } from "./minio/index.js";
import { mqtt } from "./mqtt/index.js";
import { nats } from "./nats/index.js";
import { nsq } from "./nsq/index.js";
import { pubSub } from "./pubsub/index.js";
import { redis } from "./redis/index.js";
import { redisStream } from "./redis-stream/index.js";
import { resource } from "./resource/index.js";
import { slack } from "./slack/index.js";
import { sns } from "./sns/index.js";
import { sqs } from "./sqs/index.js";
import { stripe } from "./stripe/index.js";
import { webhook } from "./webhook/index.js";

export const sourceDefinitions: ReadonlyMap<string, EventSourceDefinition> = new Map<string, EventSourceDefinition>(
  [
    webhook,
    resource,
    kafka,
    nats,
    redis,
    redisStream,
    calendar,
    azureQueueStorage,
    pulsar,
    file,
    hdfs,
    sqs,
    sns,
    minio,
    github,
    gitlab,
    bitbucketserver,
    bitbucket,
    generic,
    slack,
    stripe,
    gerrit,
    amqp,
    mqtt,
    nsq,
    pubSub,
  ].map((d) => [d.type, d as unknown as EventSourceDefinition]),
);
