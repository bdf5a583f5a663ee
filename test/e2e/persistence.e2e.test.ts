// End to end with `minifront start` as a child process: state survives a clean restart and a
// `kill -9` (every acknowledged write is on disk), the process stops cleanly on SIGTERM/SIGINT,
// and bad flags are refused before anything starts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  CreateDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  UpdateDistributionCommand,
} from "@aws-sdk/client-cloudfront";
import type { CloudFrontClient, Distribution, DistributionConfig, DistributionSummary } from "@aws-sdk/client-cloudfront";
import { cloudFrontClient, type CliProcess } from "../helpers/emulator.ts";
import { killDuringBurst, useDataDirProcesses } from "../helpers/processes.ts";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

function config(callerReference: string, comment = ""): DistributionConfig {
  return {
    CallerReference: callerReference,
    Comment: comment,
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "mybucket.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
    DefaultCacheBehavior: {
      TargetOriginId: "s3",
      ViewerProtocolPolicy: "allow-all",
      ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
      MinTTL: 0,
    },
  };
}

const children = useDataDirProcesses("minifront-persist-");

async function start(dir: string): Promise<{ proc: CliProcess; cf: CloudFrontClient }> {
  const proc = await children.start(dir);
  const cf = children.client(cloudFrontClient(proc.url));
  return { proc, cf };
}

async function listAll(cf: CloudFrontClient): Promise<DistributionSummary[]> {
  const out: DistributionSummary[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await cf.send(new ListDistributionsCommand({ Marker: marker, MaxItems: 100 }));
    out.push(...(page.DistributionList?.Items ?? []));
    if (!page.DistributionList?.IsTruncated) return out;
    marker = page.DistributionList.NextMarker;
  }
}

describe("persistence across restarts of `minifront start`", () => {
  it("after SIGTERM and a restart on the same data dir, the distributions come back with the same ids, ETags, domains and configs", async () => {
    const dir = children.dataDir();
    const first = await start(dir);
    const before: { distribution: Distribution; etag: string }[] = [];
    for (const ref of ["restart-a", "restart-b", "restart-c"]) {
      await first.cf.send(new CreateDistributionCommand({ DistributionConfig: config(ref, `comment ${ref}`) }));
    }
    for (const s of await listAll(first.cf)) {
      const got = await first.cf.send(new GetDistributionCommand({ Id: s.Id }));
      assert.ok(got.Distribution && got.ETag);
      before.push({ distribution: got.Distribution, etag: got.ETag });
    }
    assert.equal(before.length, 3);
    assert.equal(await first.proc.stop("SIGTERM"), 0, "SIGTERM exits with code 0");

    const second = await start(dir);
    const listed = await listAll(second.cf);
    assert.deepEqual(listed.map((s) => s.Id), before.map((b) => b.distribution.Id), "the same distributions, in the same order");
    for (const [i, { distribution: d, etag }] of before.entries()) {
      const summary = listed[i];
      assert.equal(summary?.ETag, etag);
      assert.equal(summary?.DomainName, d.DomainName);
      const [got, cfg] = await Promise.all([
        second.cf.send(new GetDistributionCommand({ Id: d.Id })),
        second.cf.send(new GetDistributionConfigCommand({ Id: d.Id })),
      ]);
      assert.equal(got.ETag, etag);
      assert.equal(cfg.ETag, etag);
      assert.equal(got.Distribution?.DomainName, d.DomainName);
      assert.equal(got.Distribution?.ARN, d.ARN);
      assert.equal(got.Distribution?.LastModifiedTime?.getTime(), d.LastModifiedTime?.getTime());
      assert.deepEqual(got.Distribution?.DistributionConfig, d.DistributionConfig);
      assert.deepEqual(cfg.DistributionConfig, d.DistributionConfig);
    }

    const target = before[1];
    assert.ok(target?.distribution.DistributionConfig);
    const updated = await second.cf.send(
      new UpdateDistributionCommand({
        Id: target.distribution.Id,
        IfMatch: target.etag,
        DistributionConfig: { ...target.distribution.DistributionConfig, Comment: "updated after restart" },
      }),
    );
    assert.ok(updated.ETag);
    assert.notEqual(updated.ETag, target.etag);
    const got = await second.cf.send(new GetDistributionCommand({ Id: target.distribution.Id }));
    assert.equal(got.ETag, updated.ETag);
    assert.equal(got.Distribution?.DistributionConfig?.Comment, "updated after restart");
    assert.equal(await second.proc.stop("SIGTERM"), 0);
  });

  it("after kill -9 during a burst of creates, every acknowledged distribution is there with its acknowledged ETag", async (t) => {
    const dir = children.dataDir();
    const first = await start(dir);
    const BURST = 40;
    const KILL_AFTER = 20;
    const acked = new Map<string, { id: string; etag: string; domain: string }>();
    await killDuringBurst(t, first.proc, {
      items: Array.from({ length: BURST }, (_, i) => `burst-${i}`),
      send: (ref) => first.cf.send(new CreateDistributionCommand({ DistributionConfig: config(ref) })),
      onAck: (ref, out) => {
        assert.ok(out.Distribution?.Id && out.ETag && out.Distribution.DomainName);
        acked.set(ref, { id: out.Distribution.Id, etag: out.ETag, domain: out.Distribution.DomainName });
      },
      killAfter: KILL_AFTER,
      what: "creates",
    });

    const second = await start(dir);
    const listed = new Map((await listAll(second.cf)).map((s) => [s.Id as string, s]));
    t.diagnostic(`${listed.size} distributions present after the restart`);
    for (const [ref, a] of acked) {
      const summary = listed.get(a.id);
      assert.ok(summary, `acknowledged ${ref} (${a.id}) is listed after the restart`);
      assert.equal(summary.ETag, a.etag, `${ref}: listed ETag`);
      const got = await second.cf.send(new GetDistributionCommand({ Id: a.id }));
      assert.equal(got.ETag, a.etag, `${ref}: ETag`);
      assert.equal(got.Distribution?.DomainName, a.domain);
      assert.equal(got.Distribution?.DistributionConfig?.CallerReference, ref);
    }
    // Whatever else survived is whole: each listed distribution is gettable, with one per CallerReference.
    const refs = new Set<string>();
    for (const id of listed.keys()) {
      const got = await second.cf.send(new GetDistributionCommand({ Id: id }));
      const ref = got.Distribution?.DistributionConfig?.CallerReference ?? "";
      assert.match(ref, /^burst-\d+$/);
      assert.ok(!refs.has(ref), `one distribution per CallerReference (${ref})`);
      refs.add(ref);
    }
    assert.equal(await second.proc.stop("SIGTERM"), 0);
  });
});

describe("the `minifront start` process", () => {
  it("prints its URLs and exits with code 0 on SIGINT", async () => {
    const { proc } = await start(children.dataDir());
    const out = proc.stdout();
    assert.match(out, /listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(out.includes(`${proc.url}/_minifront/health`), `stdout shows the health URL:\n${out}`);
    const health = await fetch(`${proc.url}/_minifront/health`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status?: string }).status, "running");
    assert.equal(await proc.stop("SIGINT"), 0, "SIGINT exits with code 0");
  });

  for (const [what, args] of [
    ["a non-numeric --port", ["--port", "abc"]],
    ["an unknown --log-level", ["--log-level", "loud"]],
    ["an unknown flag", ["--no-such-flag"]],
  ] as const) {
    it(`refuses ${what} with exit code 2 and a one-line message on stderr`, async () => {
      const dir = children.dataDir();
      const child = spawn(process.execPath, [CLI, "start", "--host", "127.0.0.1", "--data-dir", dir, ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      // Should it start after all, kill it (by PID) rather than hang.
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await new Promise<number | null>((resolve) => child.once("close", (c) => resolve(c)));
      clearTimeout(timer);
      assert.equal(code, 2, `exit code (stdout: ${stdout})`);
      assert.doesNotMatch(stdout, /listening on/);
      const lines = stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
      assert.match(lines[0] ?? "", /^minifront: .*\S/);
    });
  }
});
