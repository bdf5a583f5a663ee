// The edge view's one configuration version (issue #12): every change to something a distribution
// refers to by id moves it, and a distribution change alone does not (the edge compiles a changed
// distribution because it is a new record, without recompiling all the others).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ManualClock } from "../../clock.ts";
import { randomIds } from "../../ids.ts";
import { openDocumentStore } from "../../store/document-store.ts";
import { CloudFrontState, type DistributionRecord } from "./state.ts";
import { edgeView } from "./edge-view.ts";

function newState(): CloudFrontState {
  return new CloudFrontState(openDocumentStore(new DatabaseSync(":memory:")), { accountId: "123456789012", domainSuffix: "cloudfront.localhost", deployDelayMs: 0, invalidationDelayMs: 0 }, new ManualClock(), randomIds);
}

describe("edgeView configVersion", () => {
  it("moves on every policy, key group, public key, OAC, OAI and function change, and on a reset", () => {
    const state = newState();
    const view = edgeView(state);
    const changes: Array<[string, () => void]> = [
      ["put cache policy", () => state.putPolicy({ Id: "p1", kind: "cache", ETag: "E1", lastModified: 0, config: { Name: "p", MinTTL: 0 } })],
      ["delete cache policy", () => state.deletePolicy("cache", "p1")],
      ["put public key", () => state.publicKeys.put({ Id: "K1", ETag: "E", createdAt: 0, config: { CallerReference: "r", Name: "k", EncodedKey: "x" } } as never)],
      ["put key group", () => state.keyGroups.put({ Id: "g1", ETag: "E", lastModified: 0, config: { Name: "g", Items: ["K1"] } })],
      ["delete key group", () => state.keyGroups.delete("g1")],
      ["delete public key", () => state.publicKeys.delete("K1")],
      ["put OAC", () => state.originAccessControls.put({ Id: "O1", ETag: "E", config: { Name: "o", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" } } as never)],
      ["delete OAC", () => state.originAccessControls.delete("O1")],
      ["put OAI", () => state.originAccessIdentities.put({ Id: "I1", ETag: "E", S3CanonicalUserId: "c", config: { CallerReference: "r", Comment: "" } } as never)],
      ["put function", () => state.functions.put({ Name: "f", createdAt: 0, development: { ETag: "E", config: { Comment: "", Runtime: "cloudfront-js-2.0" }, code: "", lastModified: 0 }, tags: [] })],
      ["delete function", () => state.functions.delete("f")],
      ["reset", () => state.clear()],
    ];
    for (const [what, change] of changes) {
      const before = view.configVersion();
      change();
      assert.ok(view.configVersion() > before, what);
    }
  });

  it("stays put when only a distribution changes", () => {
    const state = newState();
    const view = edgeView(state);
    const before = view.configVersion();
    const rec = { Id: "E1", ARN: "arn", DomainName: "e1.cloudfront.localhost", ETag: "X", createdAt: 0, lastModified: 0, deployAt: 0, config: { CallerReference: "r" }, tags: [] } as unknown as DistributionRecord;
    state.putDistribution(rec);
    state.deleteDistribution("E1");
    assert.equal(view.configVersion(), before);
  });
});
