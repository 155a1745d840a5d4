// Argo Events' trigger policy cases (status allow lists, resource labels), restated as tables for Impulse.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PolicyError, type Trigger } from "@impulse/api";
import { awsLambda, type LambdaResult } from "./aws-lambda.js";
import { http } from "./http.js";
import { missingLabels } from "./k8s/policy.js";

type Policy = Trigger["policy"];

describe("HTTP trigger status policy (Argo: TestHTTPTrigger_ApplyPolicy)", () => {
  const cases: { name: string; status: number; policy: Policy; ok: boolean }[] = [
    { name: "a status in the allow list succeeds", status: 200, policy: { status: { allow: [200, 300] } }, ok: true },
    { name: "a status outside the allow list fails", status: 200, policy: { status: { allow: [300] } }, ok: false },
    // Own cases. Without a policy Argo counts any response as a success; Impulse any 2xx (docs/deviations.md).
    { name: "no policy: a 2xx succeeds", status: 204, policy: undefined, ok: true },
    { name: "no policy: a 500 fails (deviation: Argo succeeds)", status: 500, policy: undefined, ok: false },
    { name: "no policy: a 302 fails (deviation: Argo succeeds)", status: 302, policy: undefined, ok: false },
    { name: "an allow list can accept a non-2xx status", status: 404, policy: { status: { allow: [200, 404] } }, ok: true },
    { name: "an allow list replaces the 2xx default", status: 201, policy: { status: { allow: [200] } }, ok: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const apply = () => http.applyPolicy({ status: c.status, body: "response body" }, c.policy);
      if (c.ok) apply();
      else assert.throws(apply, (e: unknown) => e instanceof PolicyError && e.message.includes(`HTTP ${c.status}`));
    });
  }
});

describe("AWS Lambda trigger status policy (Argo: TestAWSLambdaTrigger_ApplyPolicy)", () => {
  const base: LambdaResult = { functionName: "f", invocationType: "RequestResponse", status: 200, functionErrorIsSuccess: false };
  const cases: { name: string; result: LambdaResult; policy: Policy; ok: boolean }[] = [
    { name: "a status in the allow list succeeds", result: base, policy: { status: { allow: [200, 300] } }, ok: true },
    // Own cases.
    { name: "a status outside the allow list fails", result: base, policy: { status: { allow: [202] } }, ok: false },
    { name: "no policy: an asynchronous 202 succeeds", result: { ...base, status: 202, invocationType: "Event" }, policy: undefined, ok: true },
    { name: "a FunctionError fails even with its status allowed (deviation: Argo succeeds)", result: { ...base, functionError: "Unhandled" }, policy: { status: { allow: [200] } }, ok: false },
    { name: "functionErrorIsSuccess keeps Argo's behaviour", result: { ...base, functionError: "Handled", functionErrorIsSuccess: true }, policy: undefined, ok: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const apply = () => awsLambda.applyPolicy(c.result, c.policy);
      if (c.ok) apply();
      else assert.throws(apply, PolicyError);
    });
  }
});

describe("k8s trigger resource-label policy (Argo: TestResourceLabels_ApplyPolicy)", () => {
  // Argo polls the object until its labels match; the comparison each poll makes is missingLabels.
  const cases: { name: string; have: Record<string, string> | undefined; want: Record<string, string>; missing: string[] }[] = [
    { name: "the wanted label is set: satisfied", have: { name: "test", complete: "true" }, want: { complete: "true" }, missing: [] },
    { name: "the label has another value: not satisfied", have: { name: "test", complete: "false" }, want: { complete: "true" }, missing: ["complete"] },
    // Own cases.
    { name: "an object without labels misses them all", have: undefined, want: { a: "1", b: "2" }, missing: ["a", "b"] },
    { name: "every wanted label must match", have: { a: "1", b: "3" }, want: { a: "1", b: "2" }, missing: ["b"] },
    { name: "values compare exactly (case matters)", have: { complete: "True" }, want: { complete: "true" }, missing: ["complete"] },
    { name: "extra labels on the object do not matter", have: { a: "1", extra: "x" }, want: { a: "1" }, missing: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(missingLabels(c.have, c.want), c.missing);
    });
  }
});
