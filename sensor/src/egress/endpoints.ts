// For triggers whose client library opens the connection (awsLambda endpoint, kafka brokers): an endpoint that
// parameters changed from the configured one is checked against the egress policy before the client is used.
import { ErrorCodes, ImpulseError } from "@impulse/api";
import { egressGuard } from "./guard.js";
import { compileEgress, type EgressLevel } from "./policy.js";

/**
 * The configured endpoint is config, not event data: it is not checked (a local emulator on 127.0.0.1 keeps
 * working). A changed one is judged as a URL from an event. The library resolves the name again itself, so unlike
 * the http trigger the connection is not pinned to the checked address.
 */
export function changedEndpointCheck(egress: EgressLevel[] | undefined) {
  const guard = egressGuard(compileEgress(egress ?? []));
  return async (configured: string | undefined, actual: string | undefined, toUrls: (endpoint: string) => string[]): Promise<void> => {
    if (actual === undefined || actual === configured) return;
    for (const text of toUrls(actual)) {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new ImpulseError(ErrorCodes.ParameterFailed, `endpoint ${JSON.stringify(actual)} set by a parameter is not a valid address`);
      }
      await guard(url, false);
    }
  };
}
