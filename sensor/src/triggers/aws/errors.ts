// Classifies AWS SDK errors (Lambda, STS, credential chain) as retryable or not, into Impulse's error catalogue.
import { ErrorCodes, ImpulseError } from "@impulse/api";

/** Errors that the same request will hit again: wrong name, bad input, missing permission, bad keys, configuration. */
const PERMANENT = new Set([
  "ResourceNotFoundException",
  "InvalidParameterValueException",
  "InvalidRequestContentException",
  "RequestTooLargeException",
  "SerializedRequestEntityTooLargeException",
  "UnsupportedMediaTypeException",
  "AccessDeniedException",
  "AccessDenied", // STS spells it without "Exception"
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "MalformedPolicyDocument",
  "RegionDisabledException",
  "RecursiveInvocationException",
  "InvalidRuntimeException",
  "InvalidZipFileException",
  "InvalidSecurityGroupIDException",
  "InvalidSubnetIDException",
  "KMSAccessDeniedException",
  "KMSDisabledException",
  "KMSInvalidStateException",
  "KMSNotFoundException",
  "EC2AccessDeniedException",
  "ModeNotSupportedException",
  "NoPublishedVersionException",
  // The default chain found no credentials: retrying will not make some appear.
  "CredentialsProviderError",
]);

/** 4xx statuses that say "try again later" rather than "this request is wrong". */
const TRANSIENT_4XX = new Set([408, 409, 425, 429]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Whether trying the same call again may succeed. Network errors and 5xx/throttling: yes. */
export function isRetryableAwsError(e: unknown): boolean {
  const err = (e ?? {}) as SdkErrorShape;
  const name = err.name ?? "";
  if (PERMANENT.has(name)) return false;
  // Thrown by the SDK before any request when neither the template nor AWS_REGION/the profile names a region.
  if (/region is missing/i.test(err.message ?? "")) return false;
  const status = err.$metadata?.httpStatusCode;
  if (status === undefined) return true; // no answer: connection refused, reset, DNS
  if (status >= 500 || TRANSIENT_4XX.has(status)) return true;
  return !(status >= 400 && status < 500);
}

/** Wraps an SDK error as an ImpulseError naming the call, with the retry decision and the AWS error name. */
export function awsTriggerError(what: string, e: unknown): ImpulseError {
  if (e instanceof ImpulseError) return e; // e.g. a Secret that cannot be resolved: already classified
  const err = (e ?? {}) as SdkErrorShape;
  const status = err.$metadata?.httpStatusCode;
  const name = err.name && err.name !== "Error" ? `${err.name}${status ? ` (${status})` : ""}: ` : "";
  const timedOut = /timeout/i.test(err.name ?? "");
  return new ImpulseError(timedOut ? ErrorCodes.TriggerTimeout : ErrorCodes.TriggerFailed, `${what}: ${name}${err.message ?? String(e)}`, {
    retryable: isRetryableAwsError(e),
    cause: e,
  });
}
