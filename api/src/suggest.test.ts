// nearest(): typos find their field; unrelated names find nothing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { didYouMean, nearest } from "./suggest.js";

describe("nearest", () => {
  it("finds the field a typo was meant to be", () => {
    assert.equal(nearest("eventNmae", ["name", "eventSourceName", "eventName", "filters"]), "eventName");
    assert.equal(nearest("methd", ["url", "method", "headers"]), "method");
    assert.equal(nearest("serviceAcountName", ["metadata", "serviceAccountName", "volumes"]), "serviceAccountName");
    assert.equal(nearest("webhok", ["webhook", "calendar"]), "webhook");
  });
  it("suggests nothing for an unrelated name or an exact match", () => {
    assert.equal(nearest("colour", ["url", "method"]), undefined);
    assert.equal(nearest("url", ["url"]), undefined);
    assert.equal(didYouMean("zzz", ["url"]), "");
    assert.equal(didYouMean("ulr", ["url"]), ' (did you mean "url"?)');
  });
});
