import assert from "node:assert/strict";
import { test } from "node:test";
import { expandRefsChanged } from "./refs-changed.js";

const change = (id: string, toHash: string, type = "UPDATE", refType = "BRANCH") => ({ ref: { id, displayId: id.split("/").pop(), type: refType }, refId: id, fromHash: "0".repeat(40), toHash, type });
const delivery = {
  eventKey: "repo:refs_changed",
  date: "2026-11-30T12:00:00+0000",
  actor: { name: "ann" },
  repository: { slug: "shop", project: { key: "PROJ" } },
  changes: [change("refs/heads/feature", "aaa"), change("refs/tags/v1", "bbb", "ADD", "TAG"), change("refs/heads/old", "ccc", "DELETE"), change("refs/heads/main", "ddd")],
};
const openFor = (commits: string[]) => async (p: string, s: string, c: string) => p === "PROJ" && s === "shop" && commits.includes(c);

test("other event keys, and refs_changed without options, pass as received", async () => {
  assert.deepEqual(await expandRefsChanged("pr:opened", { x: 1 }, { oneEventPerChange: true }), { parts: [{ body: { x: 1 } }] });
  assert.deepEqual(await expandRefsChanged("repo:refs_changed", delivery, { oneEventPerChange: false }), { parts: [{ body: delivery }] });
});

test("oneEventPerChange: one event per change, keyed by its index, everything else kept", async () => {
  const { parts } = await expandRefsChanged("repo:refs_changed", delivery, { oneEventPerChange: true });
  assert.equal(parts.length, 4);
  assert.deepEqual(parts.map((p) => p.key), ["0", "1", "2", "3"]);
  assert.deepEqual(parts[1]!.body, { ...delivery, changes: [delivery.changes[1]] });
});

test("skipBranchRefsChangedOnOpenPR drops branch updates with an open PR; tags and deletes are never looked up", async () => {
  const asked: string[] = [];
  const has = async (p: string, s: string, c: string) => (asked.push(c), openFor(["aaa", "bbb", "ccc"])(p, s, c));
  const split = await expandRefsChanged("repo:refs_changed", delivery, { oneEventPerChange: true, hasOpenPullRequest: has });
  assert.deepEqual(split.parts.map((p) => p.key), ["1", "2", "3"]);
  assert.deepEqual(asked, ["aaa", "ddd"]);
  // Without oneEventPerChange Argo sends the delivery as received once any change is left.
  assert.deepEqual((await expandRefsChanged("repo:refs_changed", delivery, { oneEventPerChange: false, hasOpenPullRequest: openFor(["aaa"]) })).parts, [{ body: delivery }]);
  const onlyOpen = { ...delivery, changes: [change("refs/heads/feature", "aaa"), change("refs/heads/main", "ddd")] };
  const none = await expandRefsChanged("repo:refs_changed", onlyOpen, { oneEventPerChange: false, hasOpenPullRequest: openFor(["aaa", "ddd"]) });
  assert.deepEqual(none.parts, []);
  assert.match(none.reason!, /open pull request/);
});
