// The minio EventSource schema and the triggers' source.s3: Argo's S3Artifact fields accepted, mistakes named by path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { splitS3Endpoint } from "../../common/s3.js";
import { parseResource } from "../../validate.js";

const es = (entry: Record<string, unknown>) => parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "m" }, spec: { minio: { e: entry } } });
const paths = (r: ReturnType<typeof es>) => (r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`));
const keys = { accessKey: { name: "artifacts-minio", key: "accesskey" }, secretKey: { name: "artifacts-minio", key: "secretkey" } };
const base = { endpoint: "minio-service.argo-events:9000", bucket: { name: "input" }, ...keys };

describe("minio EventSource schema", () => {
  it("accepts Argo's fields", () => {
    const r = es({
      ...base,
      insecure: true,
      region: "us-east-1",
      events: ["s3:ObjectCreated:Put", "s3:ObjectRemoved:*"],
      filter: { prefix: "hello-", suffix: ".txt", expression: "notification.0.s3.object.size > 0" },
      metadata: { a: "b" },
      caCertificate: { name: "ca", key: "ca.crt" },
    });
    assert.ok(r.ok, paths(r).join("\n"));
  });

  it("names what is missing or wrong", () => {
    assert.match(paths(es({ ...base, bucket: undefined })).join(), /spec\.minio\.e\.bucket/);
    assert.match(paths(es({ ...base, bucket: { name: "" } })).join(), /spec\.minio\.e\.bucket\.name: bucket name can't be empty/);
    assert.match(paths(es({ ...base, secretKey: undefined })).join(), /spec\.minio\.e\.secretKey/);
    assert.match(paths(es({ ...base, endpoint: "http://minio:9000" })).join(), /spec\.minio\.e\.endpoint: must be host or host:port, without a scheme/);
    assert.match(paths(es({ ...base, events: ["s3:ObjectCreated:put"] })).join(), /spec\.minio\.e\.events\[0\]: unknown MinIO event "s3:ObjectCreated:put"/);
  });
});

describe("k8s trigger source.s3", () => {
  const sensor = (source: Record<string, unknown>) =>
    parseResource({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Sensor",
      metadata: { name: "s" },
      spec: { dependencies: [{ name: "d", eventSourceName: "m", eventName: "e" }], triggers: [{ template: { name: "t", k8s: { operation: "create", source } } }] },
    });
  it("accepts Argo's s3 source and refuses it beside another source or without a key", () => {
    const s3 = { ...base, bucket: { name: "workflows", key: "hello-world.yaml" }, insecure: true };
    const ok = sensor({ s3 });
    assert.ok(ok.ok, paths(ok).join("\n"));
    assert.match(paths(sensor({ s3, inline: "x" })).join(), /sets inline and s3; set exactly one/);
    assert.match(paths(sensor({ s3: { ...s3, bucket: { name: "w" } } })).join(), /source\.s3\.bucket\.key/);
  });
});

describe("splitS3Endpoint", () => {
  it("splits host and port, defaulting the port to the scheme's", () => {
    assert.deepEqual(splitS3Endpoint("minio:9000", true), { host: "minio", port: 9000 });
    assert.deepEqual(splitS3Endpoint("s3.amazonaws.com", false), { host: "s3.amazonaws.com", port: 443 });
    assert.deepEqual(splitS3Endpoint("minio", true), { host: "minio", port: 80 });
    assert.deepEqual(splitS3Endpoint("[::1]:9000", true), { host: "::1", port: 9000 });
  });
});
