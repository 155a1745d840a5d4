import assert from "node:assert/strict";
import { test } from "node:test";
import { trustedUrl } from "./trust.js";

const forbidden = (e: { status?: number }) => e.status === 403;

test("without endpoint: only https on an SNS amazonaws.com host", () => {
  const pem = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem";
  assert.equal(trustedUrl(pem, "SigningCertURL", undefined).href, pem);
  assert.ok(trustedUrl("https://sns.cn-north-1.amazonaws.com.cn/x.pem", "SigningCertURL", undefined));
  for (const bad of ["http://sns.us-east-1.amazonaws.com/x.pem", "https://sns.us-east-1.amazonaws.com.evil.io/x.pem", "https://evil.io/x.pem", "https://s3.amazonaws.com/x.pem", "https://sns.us-east-1.amazonaws.com:8443/x", "not a url"])
    assert.throws(() => trustedUrl(bad, "SigningCertURL", undefined), forbidden, bad);
});

test("with endpoint: its origin is trusted, and SNS hosts are fetched from it (path and query kept)", () => {
  const ep = "http://127.0.0.1:5000";
  assert.equal(trustedUrl("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=t", "SubscribeURL", ep).href, "http://127.0.0.1:5000/?Action=ConfirmSubscription&Token=t");
  assert.equal(trustedUrl("http://127.0.0.1:5000/c.pem", "SigningCertURL", ep).href, "http://127.0.0.1:5000/c.pem");
  assert.throws(() => trustedUrl("http://127.0.0.1:5001/c.pem", "SigningCertURL", ep), forbidden, "another port is another origin");
  assert.throws(() => trustedUrl("http://169.254.169.254/latest", "SubscribeURL", ep), forbidden);
});
