import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCodes, ImpulseError, PolicyError, parseResource } from "@impulse/api";
import { awsLambda, clientContext, functionErrorMessage, type LambdaResult } from "./aws-lambda.js";

const ok: LambdaResult = { functionName: "f", invocationType: "RequestResponse", status: 200, functionErrorIsSuccess: false };

describe("awsLambda policy", () => {
  it("accepts 2xx by default and the allow list when set", () => {
    awsLambda.applyPolicy(ok, undefined);
    awsLambda.applyPolicy({ ...ok, status: 202, invocationType: "Event" }, undefined);
    assert.throws(() => awsLambda.applyPolicy({ ...ok, status: 202 }, { status: { allow: [200] } }), PolicyError);
    awsLambda.applyPolicy({ ...ok, status: 204 }, { status: { allow: [204] } });
  });

  it("counts a FunctionError as a failure naming the function's error, unless functionErrorIsSuccess", () => {
    const failed = { ...ok, functionError: "Unhandled", errorMessage: "Error: boom" };
    assert.throws(
      () => awsLambda.applyPolicy(failed, undefined),
      (e: unknown) => e instanceof PolicyError && e.code === ErrorCodes.TriggerPolicyViolated && e.retryable && /FunctionError Unhandled\): Error: boom/.test(e.message),
    );
    awsLambda.applyPolicy({ ...failed, functionErrorIsSuccess: true }, undefined);
    // The status allow list does not excuse a FunctionError: the status is 200 either way.
    assert.throws(() => awsLambda.applyPolicy(failed, { status: { allow: [200] } }), PolicyError);
  });

  it("describes results for logs", () => {
    assert.equal(awsLambda.describe(ok), "Lambda 200");
    assert.equal(awsLambda.describe({ ...ok, status: 202, invocationType: "Event" }), "Lambda 202 (Event)");
    assert.equal(awsLambda.describe({ ...ok, functionError: "Handled" }), "Lambda 200 FunctionError Handled");
  });
});

describe("awsLambda payloads", () => {
  it("takes errorType and errorMessage from the function's error payload, or the raw text", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.equal(functionErrorMessage(enc(JSON.stringify({ errorMessage: "boom", errorType: "Error", trace: [] }))), "Error: boom");
    assert.equal(functionErrorMessage(enc("plain text")), "plain text");
    assert.equal(functionErrorMessage(undefined), "");
    assert.ok(functionErrorMessage(enc("x".repeat(2000))).length <= 501);
  });

  it("sends the idempotency key in ClientContext.custom, base64 JSON within Lambda's 3,583-byte limit", () => {
    const cc = clientContext("s".repeat(253), "t".repeat(253), "k".repeat(32));
    assert.ok(cc.length <= 3583);
    assert.deepEqual(JSON.parse(Buffer.from(clientContext("s", "t", "key"), "base64").toString()), { custom: { idempotencyKey: "key", sensor: "s", trigger: "t" } });
  });
});

describe("awsLambda template", () => {
  const parse = (awsLambda: unknown) =>
    parseResource({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Sensor",
      metadata: { name: "s" },
      spec: { dependencies: [{ name: "d", eventSourceName: "w", eventName: "e" }], triggers: [{ template: { name: "t", awsLambda } }] },
    });

  it("accepts Argo's example fields", () => {
    const r = parse({
      functionName: "hello",
      region: "us-east-1",
      payload: [{ src: { dependencyName: "d", dataKey: "body.name" }, dest: "name" }],
      invocationType: "Event",
      accessKey: { name: "aws-secret", key: "accesskey" },
      secretKey: { name: "aws-secret", key: "secretkey" },
      roleARN: "arn:aws:iam::123456789012:role/some-role",
    });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.warnings, []);
  });

  it("names the path of what is wrong", () => {
    const paths = (x: unknown) => {
      const r = parse(x);
      return r.ok ? [] : r.errors.map((e) => e.path);
    };
    assert.deepEqual(paths({ region: "us-east-1" }), ["spec.triggers[0].template.awsLambda.functionName"]);
    assert.deepEqual(paths({ functionName: "f", invocationType: "Async" }), ["spec.triggers[0].template.awsLambda.invocationType"]);
    assert.deepEqual(paths({ functionName: "f", accessKey: { name: "a", key: "k" } }), ["spec.triggers[0].template.awsLambda.secretKey"]);
    assert.deepEqual(paths({ functionName: "f", roleARN: "some-role" }), ["spec.triggers[0].template.awsLambda.roleARN"]);
    assert.deepEqual(paths({ functionName: "f", endpoint: "localhost:4566" }), ["spec.triggers[0].template.awsLambda.endpoint"]);
  });
});

it("keeps an ImpulseError from a Secret as it is", async () => {
  const { awsTriggerError } = await import("./aws/errors.js");
  const secretErr = new ImpulseError(ErrorCodes.SecretNotFound, "secret a/b not found");
  assert.equal(awsTriggerError("Lambda f", secretErr), secretErr);
});
