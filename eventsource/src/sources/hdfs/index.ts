// The hdfs EventSource: changes under an HDFS directory become events (Argo's `hdfs` type), read over WebHDFS.
import { HdfsConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { kvListingStore } from "../file/listing-store.js";
import { runHdfsWatch } from "./watcher.js";
import { WebHdfsClient } from "./webhdfs.js";

export const hdfs = defineEventSource({
  type: "hdfs",
  configSchema: HdfsConfig,
  // One replica lists the tree; the listing in the KV store is shared, so a new leader carries on from it.
  strategy: "leader",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, config) => {
      const store = kvListingStore(await ctx.kv(`hdfs-${eventName}`));
      const client = new WebHdfsClient(config.addresses, config.hdfsUser);
      return runHdfsWatch({ ...readerRuntime(ctx, emit, signal), eventName, config, client, store });
    });
  },
});
