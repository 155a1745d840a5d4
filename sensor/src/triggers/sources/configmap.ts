// source.configmap: the object read from a ConfigMap key in the Sensor's namespace at each firing.
import { ErrorCodes, ImpulseError } from "@impulse/api";
import { defineSource } from "./define.js";

export const configmap = defineSource({
  kind: "configmap",
  create: (ctx) => ({
    async read(ref, { kube, namespace }) {
      const cm = await kube().request<{ data?: Record<string, string> }>("GET", `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(ref.name)}`, {
        what: `read source ConfigMap ${namespace}/${ref.name}`,
      });
      const text = cm.data?.[ref.key];
      if (text === undefined) throw new ImpulseError(ErrorCodes.InvalidSpec, `${ctx.at}.configmap: ConfigMap ${namespace}/${ref.name} has no key "${ref.key}"`);
      return { text, where: `${ctx.at}.configmap ${ref.name}/${ref.key}` };
    },
  }),
});
