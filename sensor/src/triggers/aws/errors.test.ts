import assert from "node:assert/strict";
import { it } from "node:test";
import { ErrorCodes } from "@impulse/api";
import { awsTriggerError, isRetryableAwsError } from "./errors.js";

const sdk = (name: string, status?: number, message = "m") => Object.assign(new Error(message), { name, $metadata: status ? { httpStatusCode: status } : {} });

it("does not retry what the same call would hit again", () => {
  for (const [name, status] of [
    ["ResourceNotFoundException", 404],
    ["InvalidParameterValueException", 400],
    ["AccessDeniedException", 403],
    ["AccessDenied", 403],
    ["UnrecognizedClientException", 403],
    ["RequestTooLargeException", 413],
    ["KMSAccessDeniedException", 502],
    ["RecursiveInvocationException", 508],
    ["SomeNewValidationException", 400],
  ] as const)
    assert.equal(isRetryableAwsError(sdk(name, status)), false, name);
  assert.equal(isRetryableAwsError(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" })), false);
  assert.equal(isRetryableAwsError(new Error("Region is missing")), false);
});

it("retries throttling, conflicts, server errors and network failures", () => {
  for (const [name, status] of [
    ["TooManyRequestsException", 429],
    ["ResourceConflictException", 409],
    ["ServiceException", 500],
    ["ResourceNotReadyException", 502],
    ["EC2ThrottledException", 502],
  ] as const)
    assert.equal(isRetryableAwsError(sdk(name, status)), true, name);
  assert.equal(isRetryableAwsError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })), true);
});

it("wraps SDK errors with the call, the AWS error name and status, and the retry decision", () => {
  const e = awsTriggerError("Lambda f (RequestResponse)", sdk("ResourceNotFoundException", 404, "Function not found: f"));
  assert.equal(e.code, ErrorCodes.TriggerFailed);
  assert.equal(e.retryable, false);
  assert.equal(e.message, "Lambda f (RequestResponse): ResourceNotFoundException (404): Function not found: f");
  assert.equal(awsTriggerError("x", sdk("TimeoutError", undefined, "timed out")).code, ErrorCodes.TriggerTimeout);
});
