// The pubSub EventSource (Google Cloud Pub/Sub): messages of a subscription become events, acknowledged only after the
// bus stored them. At-least-once. Honours PUBSUB_EMULATOR_HOST (the client library reads it), as Argo does.
import { PubSubConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { defaultSubscriptionId } from "./data.js";
import { startReader } from "./reader.js";

export const pubSub = defineEventSource({
  type: "pubSub",
  configSchema: PubSubConfig,
  // One reader at a time, as Argo: messages are stored in the order they arrive.
  strategy: "leader",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, config) => {
      // Loaded on first use: only EventSources with this type pay for the Google client.
      const { PubSub } = await import("@google-cloud/pubsub");
      const credentials = config.credentialSecret ? (JSON.parse(await ctx.secrets(config.credentialSecret)) as Record<string, string>) : undefined;
      const client = new PubSub({ ...(config.projectID ? { projectId: config.projectID } : {}), ...(credentials ? { credentials, projectId: config.projectID ?? credentials["project_id"] } : {}) });
      // Unset: the client resolves it from the credentials or the environment, as Argo asks the metadata server.
      const project = config.projectID ?? (await client.getClientConfig(), client.projectId);
      const subscriptionId = config.subscriptionID ?? defaultSubscriptionId(eventName, config);
      const target = {
        subscription: `projects/${project}/subscriptions/${subscriptionId}`,
        topic: config.topic ? `projects/${config.topicProjectID ?? project}/topics/${config.topic}` : undefined,
      };
      const r = startReader({ ...readerRuntime(ctx, emit, signal), eventName, config, client, target });
      void r.done.catch(() => undefined).then(() => client.close()).catch(() => undefined);
      return r;
    });
  },
});
