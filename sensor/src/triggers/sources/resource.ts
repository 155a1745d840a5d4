// source.resource and source.inline: the object written in the Sensor, as a mapping or as a YAML/JSON string.
import { defineSource } from "./define.js";

export const resource = defineSource({
  kind: "resource",
  create: (ctx) => ({ read: async (config) => ({ object: structuredClone(config), where: `${ctx.at}.resource` }) }),
});

export const inline = defineSource({
  kind: "inline",
  create: (ctx) => ({ read: async (config) => ({ text: config, where: `${ctx.at}.inline` }) }),
});
