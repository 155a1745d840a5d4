// Builds a trigger's source loader from its TriggerContext (the field path names the kind: k8s or argoWorkflow).
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { K8sSource } from "@impulse/api";
import type { TriggerContext } from "../define.js";
import { createSourceLoader, type SourceLoader } from "./index.js";

export function sourceLoaderFor(ctx: TriggerContext, kind: string): SourceLoader {
  return createSourceLoader({
    sensorName: ctx.sensorName,
    triggerName: ctx.triggerName,
    at: `${ctx.path ?? `trigger "${ctx.triggerName}"`}.template.${kind}.source`,
    secrets: ctx.secrets,
    egress: ctx.egress ?? [],
    logger: ctx.logger,
    // The pod's only writable place is /tmp (an emptyDir), where TMPDIR points; a git clone kept there survives a container restart.
    cacheDir: join(tmpdir(), "impulse-sources"),
    signal: ctx.signal,
    configured: (ctx.template as Record<string, { source?: K8sSource } | undefined> | undefined)?.[kind]?.source,
  });
}
