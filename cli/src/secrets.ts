// Resolves Secret references: a mounted directory (<dir>/<name>/<key>, as in a pod) or IMPULSE_SECRET_<NAME>_<KEY>.
// Every secret is read one way, whoever uses it (bearer tokens, secureHeaders, basic auth, keys): see secretValue.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCodes, ImpulseError, type SecretKeySelector } from "@impulse/api";

export function secretEnvName(ref: { name: string; key: string }): string {
  return `IMPULSE_SECRET_${ref.name}_${ref.key}`.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

/**
 * A secret's value as used: the raw text without its trailing line breaks (\n or \r\n, as `echo token > file` and
 * editors leave them). Nothing else is changed: inner and leading characters, spaces included, are the secret's own.
 */
export function secretValue(text: string): string {
  return text.replace(/[\r\n]+$/, "");
}

export function createSecretResolver(dir: string, env: Record<string, string | undefined>) {
  return async (ref: SecretKeySelector | { name: string; key: string }): Promise<string> => {
    const fromEnv = env[secretEnvName(ref)];
    if (fromEnv !== undefined) return secretValue(fromEnv);
    try {
      return secretValue(await readFile(join(dir, ref.name, ref.key), "utf8"));
    } catch {
      throw new ImpulseError(
        ErrorCodes.SecretNotFound,
        `secret ${ref.name}/${ref.key} not found: mount it at ${join(dir, ref.name, ref.key)} or set ${secretEnvName(ref)}`,
      );
    }
  };
}
