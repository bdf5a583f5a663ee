// Which requests are logged in real time, and where the records go (CloudFront Developer Guide,
// "Real-time logs": a configuration is attached to cache behaviors and samples their requests).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ManualClock } from "../clock.ts";
import { randomIds } from "../ids.ts";
import { createLogger } from "../log.ts";
import { openDocumentStore } from "../store/document-store.ts";
import { CloudFrontState } from "../services/cloudfront/state.ts";
import { realtimeLogConfigArn } from "../services/cloudfront/stores/realtime-log-configs.ts";
import type { EdgeRecord } from "./edge-record.ts";
import { createRealtimeLogs, type RealtimeLogEntry } from "./realtime-logs.ts";

const dir = mkdtempSync(join(tmpdir(), "minifront-rtl-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function stateWithDistribution(rate: number): CloudFrontState {
  const state = new CloudFrontState(openDocumentStore(new DatabaseSync(":memory:")), { accountId: "123456789012", domainSuffix: "cloudfront.localhost", deployDelayMs: 0, invalidationDelayMs: 0 }, new ManualClock(), randomIds);
  const arn = realtimeLogConfigArn("123456789012", "images");
  state.realtimeLogConfigs.put({ Id: "images", ARN: arn, SamplingRate: rate, EndPoints: [], Fields: ["cs-uri-stem", "cache-behavior-path-pattern"] });
  const behavior = { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all" as const };
  state.putDistribution({
    Id: "E1",
    ARN: "arn:aws:cloudfront::123456789012:distribution/E1",
    DomainName: "e1.cloudfront.localhost",
    ETag: "E",
    createdAt: 0,
    lastModified: 0,
    deployAt: 0,
    tags: [],
    config: {
      CallerReference: "r",
      Comment: "",
      Enabled: true,
      Origins: { Quantity: 0, Items: [] },
      DefaultCacheBehavior: behavior,
      CacheBehaviors: { Quantity: 1, Items: [{ ...behavior, PathPattern: "/img/*", RealtimeLogConfigArn: arn }] },
    },
  });
  return state;
}

const request = (path: string) => ({ distributionId: "E1", path, query: "", requestId: "id", time: 0, requestHeaders: {} }) as unknown as EdgeRecord;

describe("real-time logs", () => {
  it("logs the requests of behaviors that name a configuration, to listeners and the file", async () => {
    const state = stateWithDistribution(100);
    const logs = createRealtimeLogs({ cloudfront: () => state, log: createLogger("silent"), dataDir: dir, kinesisEndpoint: "" });
    const seen: RealtimeLogEntry[] = [];
    const stop = logs.subscribe((e) => seen.push(e));
    logs.sink(request("/img/a.png"));
    logs.sink(request("/other"));
    stop();
    logs.sink(request("/img/b.png"));
    assert.deepEqual(seen.map((e) => [e.configName, e.line]), [["images", "/img/a.png\t/img/*\n"]]);
    assert.deepEqual(seen[0]?.fields, ["cs-uri-stem", "cache-behavior-path-pattern"]);
    await logs.flush();
    assert.equal(readFileSync(join(dir, "realtime-logs", "images.log"), "utf8"), "/img/a.png\t/img/*\n/img/b.png\t/img/*\n");
    await logs.dispose();
  });

  it("samples at the configuration's rate", async () => {
    const state = stateWithDistribution(30);
    const draws = [0.2, 0.5, 0.29, 0.3];
    const logs = createRealtimeLogs({ cloudfront: () => state, log: createLogger("silent"), dataDir: undefined, kinesisEndpoint: "", random: () => draws.shift() ?? 0 });
    const seen: string[] = [];
    logs.subscribe((e) => seen.push(e.line));
    for (const p of ["/img/1", "/img/2", "/img/3", "/img/4"]) logs.sink(request(p));
    assert.deepEqual(seen, ["/img/1\t/img/*\n", "/img/3\t/img/*\n"]);
    await logs.dispose();
  });
});
