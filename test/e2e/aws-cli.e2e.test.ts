// End to end with the real AWS CLI (v1): the commands of the getting-started tutorial and the
// distribution lifecycle, run as child processes against an emulator on a free port.
// docs/control-plane.md §3 (ETag/If-Match), §4 (CallerReference, the CLI's --origin-domain-name),
// §6 (ids, lifecycle), §7 (waiters), §8 (paging), §9 (defaults).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-cloudfront";
import type {
  CloudFrontClient,
  CreateDistributionResult,
  DistributionConfig,
  GetDistributionConfigResult,
  GetDistributionResult,
  ListDistributionsResult,
  ListTagsForResourceResult,
  Tag,
  UpdateDistributionResult,
} from "@aws-sdk/client-cloudfront";
import { AWS_CLI_MISSING, awsCliAvailable, runAws, type AwsCliResult } from "../helpers/aws-cli.ts";
import { useEmulator } from "../helpers/emulator.ts";

/** The tutorial's `--distribution-config` file, byte for byte. */
const TUTORIAL_CONFIG =
  '{"CallerReference":"my-distribution","Comment":"","Origins":{"Quantity":1,"Items":[{"Id":"my-s3-origin","DomainName":"my-cloudfront-bucket.s3.localhost.localstack.cloud","S3OriginConfig":{"OriginAccessIdentity":""}}]},"DefaultCacheBehavior":{"TargetOriginId":"my-s3-origin","ForwardedValues":{"QueryString":false,"Cookies":{"Forward":"none"}},"ViewerProtocolPolicy":"allow-all"},"Enabled":true}';

/** The tutorial's config under another CallerReference, as an object to vary. */
function tutorialConfig(callerReference: string): DistributionConfig {
  return { ...(JSON.parse(TUTORIAL_CONFIG) as DistributionConfig), CallerReference: callerReference };
}

describe("aws cloudfront (CLI v1) against minifront", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  const ctx = useEmulator();
  let dir = "";
  let files = 0;
  // The SDK, in process, only sets up and double-checks state: every behaviour under test goes
  // through the CLI. (Each CLI run costs a Python start-up, so checks that need no CLI skip it.)
  let sdk: CloudFrontClient | undefined;
  const cf = (): CloudFrontClient => sdk ?? assert.fail("SDK client not created yet");

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-cli-"));
    sdk = ctx.cloudfront();
  });
  after(() => {
    sdk?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function listedIds(): Promise<string[]> {
    const out = await cf().send(new ListDistributionsCommand({}));
    return (out.DistributionList?.Items ?? []).map((s) => s.Id as string);
  }

  /** Runs `aws cloudfront <args>` against the emulator; never rejects on a non-zero exit. */
  function run(args: readonly string[]): Promise<AwsCliResult> {
    return runAws(["cloudfront", ...args], { endpoint: ctx.emu.controlUrl, configDir: dir, timeoutMs: 20_000 });
  }

  /** Runs a command that must succeed and returns its parsed JSON output (undefined when empty). */
  async function aws<T>(...args: string[]): Promise<T> {
    const r = await run(args);
    assert.equal(r.code, 0, `aws cloudfront ${args.join(" ")} exited with ${r.code}:\n${r.stderr}`);
    return (r.stdout.trim() === "" ? undefined : JSON.parse(r.stdout)) as T;
  }

  /** Runs a command that must fail with the AWS error `code`. */
  async function awsFails(code: string, ...args: string[]): Promise<string> {
    const r = await run(args);
    assert.notEqual(r.code, 0, `aws cloudfront ${args.join(" ")} should fail with ${code}, but succeeded:\n${r.stdout}`);
    assert.match(r.stderr, new RegExp(`\\(${code}\\)`), `expected (${code}) in stderr`);
    return r.stderr;
  }

  /** Writes `body` to a fresh temp file and returns its `file://` URL for the CLI. */
  function fileArg(body: unknown): string {
    const path = join(dir, `input-${++files}.json`);
    writeFileSync(path, typeof body === "string" ? body : JSON.stringify(body));
    return `file://${path}`;
  }

  describe("the tutorial distribution, from create to delete", () => {
    let id = "";
    let etag = "";
    let staleEtag = "";
    let created: DistributionConfig | undefined;

    it("create-distribution with the tutorial's config file returns an InProgress distribution with AWS-shaped ids and the defaults filled", async () => {
      const out = await aws<CreateDistributionResult>("create-distribution", "--distribution-config", fileArg(TUTORIAL_CONFIG));
      const d = out.Distribution;
      assert.ok(d?.Id && d.DistributionConfig, "the response carries the distribution");
      id = d.Id;
      assert.match(id, /^E[A-Z0-9]{13}$/);
      assert.equal(d.DomainName, `${id.toLowerCase()}.cloudfront.localhost`);
      assert.equal(d.ARN, `arn:aws:cloudfront::123456789012:distribution/${id}`);
      assert.equal(d.Status, "InProgress");
      assert.ok(out.ETag, "the response carries an ETag");
      etag = out.ETag;
      assert.ok(out.Location?.endsWith(`/2020-05-31/distribution/${id}`), `Location: ${out.Location}`);

      const c = d.DistributionConfig;
      created = c;
      assert.equal(c.CallerReference, "my-distribution");
      assert.equal(c.Enabled, true);
      assert.equal(c.Origins?.Items?.[0]?.DomainName, "my-cloudfront-bucket.s3.localhost.localstack.cloud");
      assert.equal(c.DefaultCacheBehavior?.TargetOriginId, "my-s3-origin");
      assert.equal(c.DefaultCacheBehavior?.MinTTL, 0);
      assert.equal(c.DefaultCacheBehavior?.DefaultTTL, 86400);
      assert.equal(c.DefaultCacheBehavior?.MaxTTL, 31536000);
      assert.equal(c.PriceClass, "PriceClass_All");
      assert.equal(c.HttpVersion, "http2");
      assert.equal(c.IsIPV6Enabled, true);
      assert.equal(c.ViewerCertificate?.CloudFrontDefaultCertificate, true);
    });

    it("wait distribution-deployed returns successfully without sleeping through a poll interval", async () => {
      const r = await run(["wait", "distribution-deployed", "--id", id]);
      assert.equal(r.code, 0, `wait exited with ${r.code}:\n${r.stderr}`);
    });

    it("get-distribution and get-distribution-config return the created config under the same ETag", async () => {
      const [got, cfg] = await Promise.all([
        aws<GetDistributionResult>("get-distribution", "--id", id),
        aws<GetDistributionConfigResult>("get-distribution-config", "--id", id),
      ]);
      assert.equal(got.ETag, etag);
      assert.equal(cfg.ETag, etag);
      assert.equal(got.Distribution?.Id, id);
      assert.equal(got.Distribution?.Status, "Deployed");
      assert.equal(got.Distribution?.DomainName, `${id.toLowerCase()}.cloudfront.localhost`);
      assert.deepEqual(got.Distribution?.DistributionConfig, created);
      assert.deepEqual(cfg.DistributionConfig, created);
    });

    it("update-distribution with the current ETag as --if-match applies the change and returns a new ETag", async () => {
      const next = { ...created, Comment: "updated by the aws CLI" };
      const out = await aws<UpdateDistributionResult>("update-distribution", "--id", id, "--if-match", etag, "--distribution-config", fileArg(next));
      assert.ok(out.ETag);
      assert.notEqual(out.ETag, etag);
      assert.equal(out.Distribution?.Status, "InProgress");
      assert.equal(out.Distribution?.DistributionConfig?.Comment, "updated by the aws CLI");

      const got = await cf().send(new GetDistributionCommand({ Id: id }));
      assert.equal(got.ETag, out.ETag);
      assert.equal(got.Distribution?.DistributionConfig?.Comment, "updated by the aws CLI");
      staleEtag = etag;
      etag = out.ETag;
      created = out.Distribution?.DistributionConfig;
    });

    it("update-distribution with a stale --if-match fails with PreconditionFailed and changes nothing", async () => {
      await awsFails("PreconditionFailed", "update-distribution", "--id", id, "--if-match", staleEtag, "--distribution-config", fileArg({ ...created, Comment: "stale" }));
      const after = await cf().send(new GetDistributionConfigCommand({ Id: id }));
      assert.equal(after.ETag, etag);
      assert.equal(after.DistributionConfig?.Comment, "updated by the aws CLI");
    });

    it("create-distribution reusing the CallerReference with a different config fails with DistributionAlreadyExists", async () => {
      await awsFails("DistributionAlreadyExists", "create-distribution", "--distribution-config", fileArg({ ...tutorialConfig("my-distribution"), Comment: "a different config" }));
    });

    it("delete-distribution of an enabled distribution fails with DistributionNotDisabled", async () => {
      await awsFails("DistributionNotDisabled", "delete-distribution", "--id", id, "--if-match", etag);
      const still = await cf().send(new GetDistributionCommand({ Id: id }));
      assert.equal(still.ETag, etag);
    });

    it("disabling with update-distribution, waiting for the deployment, then delete-distribution --if-match removes it", async () => {
      const disabled = await aws<UpdateDistributionResult>(
        "update-distribution", "--id", id, "--if-match", etag, "--distribution-config", fileArg({ ...created, Enabled: false }),
      );
      assert.equal(disabled.Distribution?.DistributionConfig?.Enabled, false);
      assert.ok(disabled.ETag);
      await aws("wait", "distribution-deployed", "--id", id);

      await awsFails("PreconditionFailed", "delete-distribution", "--id", id, "--if-match", etag);
      const deleted = await run(["delete-distribution", "--id", id, "--if-match", disabled.ETag]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.ok(!(await listedIds()).includes(id), "the deleted distribution is no longer listed");
      await assert.rejects(cf().send(new GetDistributionCommand({ Id: id })), { name: "NoSuchDistribution" });
    });
  });

  describe("list-distributions paging", () => {
    const ids: string[] = [];

    before(async () => {
      for (const ref of ["list-1", "list-2", "list-3"]) {
        const out = await cf().send(new CreateDistributionCommand({ DistributionConfig: tutorialConfig(ref) }));
        ids.push(out.Distribution?.Id as string);
      }
    });

    it("list-distributions --no-paginate returns one raw page with Quantity, MaxItems and IsTruncated", async () => {
      const out = await aws<ListDistributionsResult>("list-distributions", "--no-paginate");
      const list = out.DistributionList;
      assert.ok(list);
      assert.equal(list.IsTruncated, false);
      assert.equal(list.MaxItems, 100);
      assert.equal(list.Quantity, list.Items?.length);
      assert.equal(list.NextMarker, undefined);
      const listed = (list.Items ?? []).map((s) => s.Id);
      assert.deepEqual(listed.filter((x) => ids.includes(x as string)), ids, "our distributions, in creation order");
      const first = list.Items?.find((s) => s.Id === ids[0]);
      assert.equal(first?.DomainName, `${ids[0]?.toLowerCase()}.cloudfront.localhost`);
      assert.equal(first?.Enabled, true);
      assert.ok(first?.Status === "Deployed" || first?.Status === "InProgress");
    });

    it("list-distributions --no-paginate --max-items 1 sends MaxItems and gets a truncated page whose NextMarker is its last id", async () => {
      const out = await aws<ListDistributionsResult>("list-distributions", "--no-paginate", "--max-items", "1");
      const list = out.DistributionList;
      assert.ok(list);
      assert.equal(list.MaxItems, 1);
      assert.equal(list.Quantity, 1);
      assert.equal(list.IsTruncated, true);
      assert.equal(list.NextMarker, list.Items?.[0]?.Id);
    });

    it("list-distributions --max-items 1 returns a NextToken, and --starting-token walks every distribution once", async () => {
      const expected = await listedIds();
      assert.ok(expected.length >= 3);
      const seen: string[] = [];
      let token: string | undefined;
      for (let page = 0; page <= expected.length; page++) {
        const args = ["list-distributions", "--max-items", "1", ...(token ? ["--starting-token", token] : [])];
        const out = await aws<ListDistributionsResult & { NextToken?: string }>(...args);
        const items = out.DistributionList?.Items ?? [];
        assert.ok(items.length <= 1, "at most one item per call");
        seen.push(...items.map((s) => s.Id as string));
        token = out.NextToken;
        if (!token) break;
      }
      assert.equal(token, undefined, "the last call returns no NextToken");
      assert.deepEqual(seen, expected);
    });

    it("list-distributions --page-size 1 follows NextMarker across server pages and returns every distribution", async () => {
      const expected = await listedIds();
      const out = await aws<ListDistributionsResult & { NextToken?: string }>("list-distributions", "--page-size", "1");
      assert.deepEqual((out.DistributionList?.Items ?? []).map((s) => s.Id), expected);
      assert.equal(out.NextToken, undefined);
    });
  });

  describe("create-distribution --origin-domain-name (the CLI's shorthand)", () => {
    it("builds an S3-origin config with a cli-<epoch>-<n> CallerReference that the server completes with defaults", async () => {
      const out = await aws<CreateDistributionResult>("create-distribution", "--origin-domain-name", "mybucket.s3.amazonaws.com");
      const d = out.Distribution;
      assert.ok(d?.Id && d.DistributionConfig && out.ETag);
      assert.match(d.Id, /^E[A-Z0-9]{13}$/);
      assert.equal(d.DomainName, `${d.Id.toLowerCase()}.cloudfront.localhost`);
      assert.equal(d.Status, "InProgress");
      const c = d.DistributionConfig;
      assert.match(c.CallerReference ?? "", /^cli-\d+-\d+$/);
      const origin = c.Origins?.Items?.[0];
      assert.equal(c.Origins?.Quantity, 1);
      assert.equal(origin?.DomainName, "mybucket.s3.amazonaws.com");
      assert.ok(origin?.S3OriginConfig, "an S3 origin");
      assert.equal(c.DefaultCacheBehavior?.TargetOriginId, origin?.Id);
      assert.equal(c.DefaultCacheBehavior?.ViewerProtocolPolicy, "allow-all");
      assert.equal(c.DefaultCacheBehavior?.DefaultTTL, 86400);
      assert.equal(c.DefaultCacheBehavior?.MaxTTL, 31536000);
      assert.equal(c.Enabled, true);

      const got = await cf().send(new GetDistributionCommand({ Id: d.Id }));
      assert.equal(got.ETag, out.ETag);
    });
  });

  describe("tags", () => {
    let arn = "";
    const sorted = (tags: readonly Tag[] | undefined) => [...(tags ?? [])].sort((a, b) => ((a.Key ?? "") < (b.Key ?? "") ? -1 : 1));

    it("create-distribution-with-tags stores the tags, and list-tags-for-resource returns them", async () => {
      const body = { DistributionConfig: tutorialConfig("tagged"), Tags: { Items: [{ Key: "project", Value: "minifront" }] } };
      const out = await aws<CreateDistributionResult>("create-distribution-with-tags", "--distribution-config-with-tags", fileArg(body));
      assert.ok(out.Distribution?.ARN && out.ETag);
      arn = out.Distribution.ARN;
      assert.equal(out.Distribution.DistributionConfig?.CallerReference, "tagged");
      const tags = await aws<ListTagsForResourceResult>("list-tags-for-resource", "--resource", arn);
      assert.deepEqual(sorted(tags.Tags?.Items), [{ Key: "project", Value: "minifront" }]);
    });

    it("tag-resource adds tags and untag-resource removes them by key", async () => {
      await aws("tag-resource", "--resource", arn, "--tags", "Items=[{Key=team,Value=web},{Key=env,Value=dev}]");
      const added = await cf().send(new ListTagsForResourceCommand({ Resource: arn }));
      assert.deepEqual(sorted(added.Tags?.Items), [
        { Key: "env", Value: "dev" },
        { Key: "project", Value: "minifront" },
        { Key: "team", Value: "web" },
      ]);

      await aws("untag-resource", "--resource", arn, "--tag-keys", "Items=env,project");
      const tags = await aws<ListTagsForResourceResult>("list-tags-for-resource", "--resource", arn);
      assert.deepEqual(sorted(tags.Tags?.Items), [{ Key: "team", Value: "web" }]);
    });

    it("list-tags-for-resource of an unknown distribution ARN fails with NoSuchResource", async () => {
      await awsFails("NoSuchResource", "list-tags-for-resource", "--resource", "arn:aws:cloudfront::123456789012:distribution/E0000000000000");
    });
  });

  describe("errors", () => {
    it("get-distribution of an unknown id fails with NoSuchDistribution", async () => {
      const stderr = await awsFails("NoSuchDistribution", "get-distribution", "--id", "E0000000000000");
      assert.match(stderr, /GetDistribution operation/);
    });

    it("create-distribution whose default behavior targets an unknown origin fails with NoSuchOrigin", async () => {
      const config = tutorialConfig("bad-target");
      const bad = { ...config, DefaultCacheBehavior: { ...config.DefaultCacheBehavior, TargetOriginId: "no-such-origin" } };
      await awsFails("NoSuchOrigin", "create-distribution", "--distribution-config", fileArg(bad));
      const list = await cf().send(new ListDistributionsCommand({}));
      assert.ok(!(list.DistributionList?.Items ?? []).some((s) => s.DefaultCacheBehavior?.TargetOriginId === "no-such-origin"), "nothing was created");
    });
  });
});
