import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ImpulseEvent, Trigger } from "@impulse/api";
import { parseCatalog } from "./catalog.js";
import { compileNotify } from "./compile.js";
import { onceKey, recipientKey } from "./keys.js";
import { notificationData, renderMessage, withRecipient } from "./render.js";
import { annotationsOf, recipientsFrom } from "./subscriptions.js";

const ev = (data: unknown, id = "1"): ImpulseEvent => ({ specversion: "1.0", id, source: "rollouts", subject: "changed", type: "resource", time: "2026-01-01T00:00:00Z", datacontenttype: "application/json", data });
const rollout = { type: "UPDATE", body: { metadata: { name: "web", namespace: "prod", annotations: { "notifications.argoproj.io/subscribe.on-completed.slack": "deploys; ops ;deploys", "notifications.argoproj.io/subscribe.on-completed.email": "a@x.io" } }, status: { observedGeneration: 7 } } };

const CATALOG = {
  "template.rollout-completed": [
    'message: "Rollout {{ .Input.body.metadata.name }} completed (generation {{ .Input.body.status.observedGeneration }})"',
    "slack:",
    "  blocks: |",
    '    [{"type":"section","text":{"type":"mrkdwn","text":"*{{ .Input.body.metadata.name | upper }}* for {{ .Recipient }}"}}]',
    "email:",
    '  subject: "Rollout {{ .Input.body.metadata.name }} completed"',
    "http:",
    '  body: |',
    '    {"rollout": {{ toJson .Input.body.metadata.name }}, "generation": {{ .Input.body.status.observedGeneration }}}',
  ].join("\n"),
  "template.plain": "message: hello {{ .Input.body.metadata.name }}",
  unrelated: "not a template",
};

describe("message templates", () => {
  it("parses the template.<name> keys, ignores other keys, and renders a block per kind with the message as fallback", () => {
    const { catalog, errors } = parseCatalog(CATALOG, "test");
    assert.deepEqual(errors, []);
    assert.deepEqual([...catalog.templates.keys()], ["rollout-completed", "plain"]);
    const m = catalog.templates.get("rollout-completed")!;
    const data = notificationData({ d: ev(rollout) }, "deploys");
    const slack = renderMessage("rollout-completed", m, "slack", { channel: "x", message: "old" }, undefined, data).template;
    assert.equal(slack["message"], "Rollout web completed (generation 7)");
    assert.deepEqual(JSON.parse(slack["blocks"] as string)[0].text.text, "*WEB* for deploys");
    const email = renderMessage("rollout-completed", m, "email", { to: ["a"] }, undefined, data).template;
    assert.equal(email["subject"], "Rollout web completed");
    assert.equal(email["body"], "Rollout web completed (generation 7)");
    assert.deepEqual(renderMessage("rollout-completed", m, "http", { url: "u" }, { old: 1 }, data).payload, { rollout: "web", generation: 7 });
    const teams = renderMessage("plain", catalog.templates.get("plain")!, "msTeams", {}, undefined, data).template;
    assert.equal(teams["text"], "hello web");
  });

  it("reports an unknown function, a bad field and bad YAML with the key and field", () => {
    const { catalog, errors } = parseCatalog(
      {
        "template.a": "slack:\n  blocks: '{{ nosuch .Input }}'",
        "template.b": "slack:\n  colour: red",
        "template.c": "message: [unclosed",
      },
      "test",
    );
    assert.equal(catalog.templates.size, 0);
    assert.deepEqual(errors.map((e) => e.path), ['data["template.a"].slack.blocks', 'data["template.b"].slack', 'data["template.c"]']);
    assert.match(errors[0]!.message, /function "nosuch" not defined/);
  });

  it("a render error is a parameter failure naming the template and field", () => {
    const { catalog } = parseCatalog({ "template.t": 'email:\n  subject: \'{{ index .Input "x" 3 }}\'' }, "test");
    assert.throws(() => renderMessage("t", catalog.templates.get("t")!, "email", {}, undefined, notificationData({ d: ev({ x: 1 }) })), /messageTemplate t: email.subject/);
  });
});

describe("subscriptions by annotation", () => {
  it("reads ;-separated recipients for the trigger and service, trimmed and without repeats", () => {
    const ann = annotationsOf({ d: ev(rollout) });
    assert.deepEqual(recipientsFrom(ann, "on-completed", "slack"), ["deploys", "ops"]);
    assert.deepEqual(recipientsFrom(ann, "on-completed", "email"), ["a@x.io"]);
    assert.deepEqual(recipientsFrom(ann, "on-failed", "slack"), []);
    assert.deepEqual(recipientsFrom(undefined, "on-completed", "slack"), []);
  });

  it("also reads the YAML form, notifications.argoproj.io/subscriptions, merged with the key form", () => {
    const ann = {
      "notifications.argoproj.io/subscribe.on-completed.slack": "deploys",
      "notifications.argoproj.io/subscriptions": [
        "- trigger: [on-completed, on-failed]",
        "  destinations:",
        "    - service: slack",
        "      recipients: [ops, deploys]",
        "    - service: email",
        "      recipients: [a@x.io]",
        "- trigger: [on-paused]",
        "  destinations: [{service: slack, recipients: [paused]}]",
      ].join("\n"),
    };
    assert.deepEqual(recipientsFrom(ann, "on-completed", "slack"), ["deploys", "ops"]);
    assert.deepEqual(recipientsFrom(ann, "on-failed", "email"), ["a@x.io"]);
    assert.deepEqual(recipientsFrom(ann, "on-paused", "slack"), ["paused"]);
    assert.deepEqual(recipientsFrom({ "notifications.argoproj.io/subscriptions": "{not: [a list" }, "on-paused", "slack"), [], "unreadable YAML names nobody");
  });

  it("sets the recipient as the Slack channel or the one email address", () => {
    assert.equal(withRecipient("slack", { channel: "x" }, "ops")["channel"], "ops");
    assert.deepEqual(withRecipient("email", { to: ["a", "b"] }, "c@x.io")["to"], ["c@x.io"]);
    assert.deepEqual(withRecipient("msTeams", { webhookUrl: { name: "teams-webhooks", key: "default" } }, "ops")["webhookUrl"], { name: "teams-webhooks", key: "ops" });
    assert.throws(() => withRecipient("http", {}, "x"), /not supported for http/);
  });
});

describe("keys", () => {
  it("oncePer keys depend on the value and recipient, not on the events", () => {
    assert.equal(onceKey("s", "t", undefined, "7"), onceKey("s", "t", undefined, "7"));
    assert.notEqual(onceKey("s", "t", undefined, "7"), onceKey("s", "t", undefined, "8"));
    assert.notEqual(onceKey("s", "t", "ops", "7"), onceKey("s", "t", "dev", "7"));
    assert.notEqual(onceKey("s", "t", undefined, "7"), onceKey("s", "u", undefined, "7"));
    assert.notEqual(recipientKey("k", "ops"), recipientKey("k", "dev"));
  });
});

describe("compiling a trigger's notification options", () => {
  const { catalog } = parseCatalog(CATALOG, "ConfigMap impulse-notification-templates");
  const trig = (extra: Partial<Trigger>, kind = "slack"): Trigger => ({ template: { name: "on-completed", [kind]: {} } as Trigger["template"], ...extra });
  const compile = (t: Trigger, kind = "slack", templates: typeof catalog | null = catalog) => {
    const problems: Error[] = [];
    const out = compileNotify(t, kind, "spec.triggers[0]", ["d"], templates ?? undefined, problems);
    return { out, problems: problems.map((p) => p.message) };
  };

  it("names the field of a missing template, with a suggestion", () => {
    assert.deepEqual(compile(trig({ messageTemplate: "rollout-complete" })).problems, [
      'spec.triggers[0].messageTemplate: message template "rollout-complete" not found in ConfigMap impulse-notification-templates (did you mean "rollout-completed"?)',
    ]);
  });

  it("refuses a template without a block for the kind, an unknown oncePer function, subscriptions for http", () => {
    assert.match(compile(trig({ messageTemplate: "plain" }, "kafka"), "kafka").problems[0]!, /has no kafka block/);
    assert.match(compile(trig({ oncePer: "{{ nope .Input }}" })).problems[0]!, /^spec\.triggers\[0\]\.oncePer: function "nope" not defined/);
    assert.match(compile(trig({ subscriptions: {} }, "http"), "http").problems[0]!, /^spec\.triggers\[0\]\.subscriptions: .* not http/);
    assert.match(compile(trig({ subscriptions: { dependency: "x" } })).problems[0]!, /subscriptions\.dependency: unknown dependency "x"/);
    assert.match(compile(trig({ oncePerWindow: "1h" })).problems[0]!, /oncePerWindow: only means something with oncePer/);
  });

  it("compiles the options; without a catalog the reference is left for the runtime", () => {
    const { out, problems } = compile(trig({ messageTemplate: "rollout-completed", oncePer: "{{ .Input.body.status.observedGeneration }}", oncePerWindow: "24h", subscriptions: {} }));
    assert.deepEqual(problems, []);
    assert.equal(out!.message!.name, "rollout-completed");
    assert.equal(out!.oncePerWindowMs, 24 * 3600_000);
    assert.deepEqual(out!.subscriptions, { trigger: "on-completed", service: "slack", dependency: undefined });
    assert.equal(out!.oncePer!(notificationData({ d: ev(rollout) })), "7");
    assert.deepEqual(compile(trig({ messageTemplate: "whatever" }), "slack", null).problems, []);
  });
});
