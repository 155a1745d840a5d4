// Resolves Secret references: a mounted directory (<dir>/<name>/<key>, as in a pod) or IMPULSE_SECRET_<NAME>_<KEY>.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCodes, ImpulseError, type SecretKeySelector } from "@impulse/api";

export function secretEnvName(ref: { name: string; key: string }): string {
  return `IMPULSE_SECRET_${ref.name}_${ref.key}`.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

export function createSecretResolver(dir: string, env: Record<string, string | undefined>) {
  return async (ref: SecretKeySelector | { name: string; key: string }): Promise<string> => {
    const fromEnv = env[secretEnvName(ref)];
    if (fromEnv !== undefined) return fromEnv;
    try {
      return await readFile(join(dir, ref.name, ref.key), "utf8");
    } catch {
      throw new ImpulseError(
        ErrorCodes.SecretNotFound,
        `secret ${ref.name}/${ref.key} not found: mount it at ${join(dir, ref.name, ref.key)} or set ${secretEnvName(ref)}`,
      );
    }
  };
}
