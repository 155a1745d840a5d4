// Whether the standard OTEL_* environment asks for traces: tracing is off unless it does, and then costs nothing.
export interface TracingSettings {
  /** The service name used when neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES names one. */
  defaultServiceName: string;
}

const listOf = (v: string | undefined) => (v ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);

/**
 * On when OTEL_TRACES_EXPORTER names an exporter (otlp, console, zipkin), or, when it is unset, when an OTLP endpoint is
 * set (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). Off with OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none. The SDK's own default (export to localhost:4318 whenever it is loaded) would make every
 * pod without a collector log export errors, hence "configured" means one of these variables.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  if ((env["OTEL_SDK_DISABLED"] ?? "").trim().toLowerCase() === "true") return false;
  const exporters = listOf(env["OTEL_TRACES_EXPORTER"]).filter((e) => e !== "null");
  if (exporters.length) return !exporters.every((e) => e === "none");
  return Boolean(env["OTEL_EXPORTER_OTLP_ENDPOINT"]?.trim() || env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]?.trim());
}

/** True when the environment names the service itself (then the default name is not applied). */
export function serviceNamed(env: NodeJS.ProcessEnv): boolean {
  if (env["OTEL_SERVICE_NAME"]?.trim()) return true;
  return listOf(env["OTEL_RESOURCE_ATTRIBUTES"]).some((kv) => kv.startsWith("service.name="));
}
