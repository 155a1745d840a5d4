import assert from "node:assert/strict";
import { it } from "node:test";
import { remoteMatches } from "./registrar.js";

const want = { url: "https://hooks.example.com/gerrit", events: ["patchset-created", "change-merged"] };

it("leaves a remote alone when URL, events (in any order) and unset options agree", () => {
  assert.equal(remoteMatches({ url: want.url, events: ["change-merged", "patchset-created"] }, want), true);
  assert.equal(remoteMatches({ url: want.url, events: want.events, sslVerify: false, maxTries: 0 }, want), true, "explicit defaults");
  assert.equal(remoteMatches({ url: want.url }, { url: want.url }), true, "every event either way");
});

it("replaces a remote whose URL, events or options differ", () => {
  assert.equal(remoteMatches({ url: "https://old.example.com/gerrit", events: want.events }, want), false);
  assert.equal(remoteMatches({ url: want.url, events: ["ref-updated"] }, want), false);
  assert.equal(remoteMatches({ url: want.url }, want), false, "all events instead of two");
  assert.equal(remoteMatches({ url: want.url, events: want.events, sslVerify: true }, want), false);
  assert.equal(remoteMatches({ url: want.url, events: want.events }, { ...want, maxTries: 5 }), false);
});
