// The lifecycle sweep against a real S3Storage (SQLite + blob files in a temp directory), driven by
// explicit times: what is removed, hidden or aborted, and what stays ("Expiring objects", S3 User
// Guide; Object Lock keeps locked versions).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { LifecycleRule } from "@aws-sdk/client-s3";
import { openDatabase } from "../../store/database.ts";
import { S3Storage, type BucketConfig, type ObjectMeta } from "./storage.ts";
import { sweepLifecycle } from "./lifecycle-sweep.ts";
import { DAY_MS } from "./lifecycle-rules.ts";

const T0 = Date.parse("2026-01-10T12:00:00Z");

describe("lifecycle sweep", () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function storage(): S3Storage {
    const dir = mkdtempSync(join(tmpdir(), "minifront-lifecycle-"));
    dirs.push(dir);
    return new S3Storage(openDatabase(dir, { durable: false }), dir);
  }

  function bucket(s: S3Storage, name: string, rules: LifecycleRule[], extra: Partial<BucketConfig> = {}): void {
    s.putBucket({ name, created: T0, region: "us-east-1", config: { lifecycle: { Rules: rules, TransitionDefaultMinimumObjectSize: "all_storage_classes_128K" }, ...extra } });
  }

  async function put(s: S3Storage, b: string, key: string, at: number, opts: { versionId?: string; meta?: ObjectMeta; versioning?: "Enabled" } = {}): Promise<void> {
    const blob = await s.writeBlob(Readable.from([Buffer.from(key)]), () => undefined);
    await s.commitObject({ bucket: b, key, blob: blob.blob, size: blob.size, etag: '"e"', lastModified: at, meta: opts.meta ?? {}, versionId: opts.versionId ?? "null" }, opts.versioning);
  }

  const keys = (s: S3Storage, b: string) => s.list(b, { prefix: "", delimiter: undefined, after: "", maxKeys: 1000 }).objects.map((o) => o.key);
  const versions = (s: S3Storage, b: string) =>
    s.listVersions(b, { prefix: "", delimiter: undefined, keyMarker: "", versionIdMarker: undefined, maxKeys: 1000 }).versions.map((v) => `${v.key}:${v.versionId}${v.deleteMarker ? "(marker)" : ""}`);

  it("removes current objects of an unversioned bucket once due, by prefix, tag and size", async () => {
    const s = storage();
    bucket(s, "b", [
      { ID: "tmp", Status: "Enabled", Filter: { Prefix: "tmp/" }, Expiration: { Days: 1 } },
      { ID: "tagged", Status: "Enabled", Filter: { Tag: { Key: "ttl", Value: "short" } }, Expiration: { Days: 1 } },
      { ID: "off", Status: "Disabled", Filter: {}, Expiration: { Days: 1 } },
    ]);
    await put(s, "b", "tmp/a", T0);
    await put(s, "b", "keep/b", T0);
    await put(s, "b", "keep/tagged", T0, { meta: { tags: [{ Key: "ttl", Value: "short" }] } });
    // Due at 2026-01-12T00:00Z (T0 + 1 day, rounded up to midnight).
    assert.deepEqual(await sweepLifecycle(s, Date.parse("2026-01-11T23:59:59Z")), { expired: 0, removedVersions: 0, aborted: 0 });
    assert.deepEqual(await sweepLifecycle(s, Date.parse("2026-01-12T00:00:00Z")), { expired: 2, removedVersions: 0, aborted: 0 });
    assert.deepEqual(keys(s, "b"), ["keep/b"]);
  });

  it("hides current versions behind a delete marker, removes noncurrent ones after NoncurrentDays, and spares locked versions", async () => {
    const s = storage();
    const rules: LifecycleRule[] = [{ ID: "v", Status: "Enabled", Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 2, NewerNoncurrentVersions: 1 } }];
    bucket(s, "v", rules, { versioning: { Status: "Enabled" } });
    await put(s, "v", "k", T0, { versionId: "v1", versioning: "Enabled" });
    await put(s, "v", "k", T0 + 1000, { versionId: "v2", versioning: "Enabled" });
    await put(s, "v", "k", T0 + 2000, { versionId: "v3", versioning: "Enabled" });
    await put(s, "v", "locked", T0, { versionId: "l1", versioning: "Enabled", meta: { legalHold: "ON" } });
    await put(s, "v", "locked", T0 + 1000, { versionId: "l2", versioning: "Enabled" });
    // v1 and v2 became noncurrent at T0+1s / T0+2s; the newest noncurrent one (v2) is kept; l1 is on legal hold.
    const r = await sweepLifecycle(s, T0 + 3 * DAY_MS);
    assert.equal(r.removedVersions, 1);
    assert.deepEqual(versions(s, "v"), ["k:v3", "k:v2", "locked:l2", "locked:l1"]);

    bucket(s, "v", [{ ID: "cur", Status: "Enabled", Filter: { Prefix: "k" }, Expiration: { Days: 1 } }], { versioning: { Status: "Enabled" } });
    const r2 = await sweepLifecycle(s, T0 + 3 * DAY_MS);
    assert.equal(r2.expired, 1);
    assert.deepEqual(keys(s, "v"), ["locked"]);
    assert.match(versions(s, "v")[0] ?? "", /^k:.+\(marker\)$/);
  });

  it("removes a delete marker that is all that is left of a key (ExpiredObjectDeleteMarker)", async () => {
    const s = storage();
    bucket(s, "m", [{ ID: "m", Status: "Enabled", Filter: {}, Expiration: { ExpiredObjectDeleteMarker: true } }], { versioning: { Status: "Enabled" } });
    await put(s, "m", "gone", T0, { versionId: "g1", versioning: "Enabled" });
    await s.deleteObjectVersion("m", "gone", { versioning: "Enabled", marker: { versionId: "dm", lastModified: T0 + 1 } });
    assert.equal((await sweepLifecycle(s, T0 + DAY_MS)).removedVersions, 0, "the marker still hides a version");
    await s.deleteObjectVersion("m", "gone", { versioning: "Enabled", versionId: "g1", marker: { versionId: "x", lastModified: T0 + 2 } });
    assert.deepEqual(versions(s, "m"), ["gone:dm(marker)"]);
    assert.equal((await sweepLifecycle(s, T0 + DAY_MS)).removedVersions, 1);
    assert.deepEqual(versions(s, "m"), []);
  });

  it("aborts multipart uploads DaysAfterInitiation after they began, in the rule's prefix only", async () => {
    const s = storage();
    bucket(s, "u", [{ ID: "u", Status: "Enabled", Filter: { Prefix: "big/" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }]);
    s.createUpload({ uploadId: "up1", bucket: "u", key: "big/file", initiated: T0, meta: {} });
    s.createUpload({ uploadId: "up2", bucket: "u", key: "small/file", initiated: T0, meta: {} });
    // Begun at noon: one day later, rounded up to midnight.
    assert.equal((await sweepLifecycle(s, T0 + DAY_MS)).aborted, 0);
    assert.equal((await sweepLifecycle(s, T0 + 1.5 * DAY_MS)).aborted, 1);
    assert.deepEqual(s.listUploads("u").map((u) => u.uploadId), ["up2"]);
  });
});
