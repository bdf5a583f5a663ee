// Hostile and careless XML against the control plane, end to end (issue #11, defects 5 and 6):
// characters XML 1.0 cannot carry are refused before anything is stored (CloudFront:
// InvalidArgument; S3: MalformedXML), what the old parser threw as plain Errors (deep nesting,
// `__proto__`, a broken XML declaration) is a 400 MalformedXML on CloudFront and on S3's
// CompleteMultipartUpload alike, and data stored before the fix can no longer break a list, for
// the SDK or for the aws CLI (botocore's expat refuses a control character outright).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  CreateDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, CreateMultipartUploadCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CREDENTIALS, cloudFrontClient, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws } from "../helpers/aws-cli.ts";
import { rawAwsClient, type RawAwsClient, type RawResponse } from "../helpers/raw-aws.ts";
import { xmlProblem } from "../helpers/xml-check.ts";
import { startEmulator } from "../../src/index.ts";

const HAS_CLI = awsCliAvailable();

function config(callerReference: string, comment = ""): DistributionConfig {
  return {
    CallerReference: callerReference,
    Comment: comment,
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "mybucket.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
    DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
  };
}

/** A DistributionConfig document as a client would write it, with `inner` before </DistributionConfig>. */
function configXml(inner: string, comment = ""): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">' +
    `<CallerReference>raw-${Math.random()}</CallerReference><Comment>${comment}</Comment><Enabled>true</Enabled>` +
    "<Origins><Quantity>1</Quantity><Items><Origin><Id>s3</Id><DomainName>mybucket.s3.amazonaws.com</DomainName><S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig></Origin></Items></Origins>" +
    "<DefaultCacheBehavior><TargetOriginId>s3</TargetOriginId><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy><CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId></DefaultCacheBehavior>" +
    `${inner}</DistributionConfig>`
  );
}

function completeXml(inner: string): string {
  return `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}<Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></CompleteMultipartUpload>`;
}

/** Asserts status and error code of a raw answer, and that the answer is well-formed XML. */
function assertError(res: RawResponse, status: number, code: string): void {
  const text = res.body.toString("utf8");
  assert.equal(xmlProblem(res.body), undefined, text);
  assert.equal(/<Code>([^<]*)<\/Code>/.exec(text)?.[1], code, text);
  assert.equal(res.status, status, text);
}

const nest = (depth: number) => "<X>".repeat(depth) + "</X>".repeat(depth);

// The inputs the old parser answered with a 500; every one is a client error.
const BROKEN: Array<[string, (wrap: (inner: string) => string) => string | Buffer]> = [
  ["nesting 101 levels deep", (wrap) => wrap(nest(101))],
  ["nesting 10,000 levels deep", (wrap) => wrap(nest(10_000))],
  ["an element named __proto__", (wrap) => wrap("<__proto__><polluted>1</polluted></__proto__>")],
  ["an element named constructor", (wrap) => wrap("<constructor/>")],
  ["an element named prototype", (wrap) => wrap("<prototype/>")],
  ["an unterminated quote in the XML declaration", (wrap) => `<?xml version="1.0 encoding="UTF-8"?>${wrap("").replace(/^<\?xml[^>]*>/, "")}`],
  ["a declaration that is not at the start", (wrap) => ` <?xml version="1.0"?>${wrap("").replace(/^<\?xml[^>]*>/, "")}`],
  // Latin-1 bytes: the lone 0xFF is not UTF-8.
  ["invalid UTF-8", (wrap) => Buffer.from(wrap("<Unknown>\u00ff</Unknown>"), "latin1")],
];

describe("XML request bodies a client should not send", () => {
  const t = useEmulator();
  let cf: RawAwsClient;
  let s3raw: RawAwsClient;
  let s3: S3Client;
  let uploadId = "";
  before(async () => {
    cf = rawAwsClient(t.emu.controlUrl, "cloudfront");
    s3raw = rawAwsClient(t.emu.s3Url, "s3");
    s3 = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: "xml-input" }));
    uploadId = (await s3.send(new CreateMultipartUploadCommand({ Bucket: "xml-input", Key: "big" }))).UploadId ?? "";
  });
  after(() => {
    cf.close();
    s3raw.close();
    s3.destroy();
  });

  const createDistribution = (body: string | Buffer) => cf.send({ method: "POST", path: "/2020-05-31/distribution", headers: { "content-type": "text/xml" }, body });
  const complete = (body: string | Buffer) => s3raw.send({ method: "POST", path: "/xml-input/big", query: { uploadId }, body });

  it("a Comment with U+0001 from the SDK is InvalidArgument, and nothing is stored", async () => {
    const client = t.cloudfront();
    const before = (await client.send(new ListDistributionsCommand({}))).DistributionList?.Quantity;
    await expectServiceError(client.send(new CreateDistributionCommand({ DistributionConfig: config("ctl-1", "a\u0001b") })), 400, "InvalidArgument");
    const created = await client.send(new CreateDistributionCommand({ DistributionConfig: config("ctl-2", "fine") }));
    await expectServiceError(
      client.send(new UpdateDistributionCommand({ Id: created.Distribution?.Id, IfMatch: created.ETag, DistributionConfig: config("ctl-2", "\u001f") })),
      400,
      "InvalidArgument",
    );
    const list = await client.send(new ListDistributionsCommand({}));
    assert.equal(list.DistributionList?.Quantity, (before ?? 0) + 1);
    assert.equal(list.DistributionList?.Items?.find((d) => d.Id === created.Distribution?.Id)?.Comment, "fine");
  });

  it("so is a character reference to one (&#1;), which an XML parser would otherwise decode", async () => {
    assertError(await createDistribution(configXml("", "a&#1;b")), 400, "InvalidArgument");
    assertError(await createDistribution(configXml("", "&#x0;")), 400, "InvalidArgument");
  });

  it("the list still works for the SDK and for the aws CLI", { skip: HAS_CLI ? false : AWS_CLI_MISSING }, async () => {
    assert.ok((await t.cloudfront().send(new ListDistributionsCommand({}))).DistributionList);
    const dir = mkdtempSync(join(tmpdir(), "minifront-cli-"));
    try {
      const r = await runAws(["cloudfront", "list-distributions"], { endpoint: t.emu.controlUrl, configDir: dir });
      assert.equal(r.code, 0, r.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [what, body] of BROKEN) {
    it(`CreateDistribution with ${what} is 400 MalformedXML`, async () => {
      assertError(await createDistribution(body((inner) => configXml(inner))), 400, "MalformedXML");
    });
    it(`S3 CompleteMultipartUpload with ${what} is 400 MalformedXML`, async () => {
      assertError(await complete(body((inner) => `<?xml version="1.0" encoding="UTF-8"?>${completeXml(inner)}`)), 400, "MalformedXML");
    });
  }

  it("S3 refuses a key with U+0001 inside DeleteObjects as MalformedXML (S3 'XML related object key constraints')", async () => {
    const body = '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a&#1;b</Key></Object></Delete>';
    assertError(await s3raw.send({ method: "POST", path: "/xml-input", query: { delete: "" }, body }), 400, "MalformedXML");
  });

  it("errors that echo a hostile key or id are well-formed XML", async () => {
    assertError(await s3raw.send({ method: "GET", path: "/xml-input/%01%3C%26%3E%5D%5D%3E" }), 404, "NoSuchKey");
    assertError(await cf.send({ method: "GET", path: "/2020-05-31/distribution/%01%3C%26/config" }), 404, "NoSuchDistribution");
  });

  it("an S3 key with U+0001 (legal in a URL) lists as U+FFFD, or exactly with EncodingType=url", async () => {
    await s3.send(new PutObjectCommand({ Bucket: "xml-input", Key: "ctl\u0001key", Body: "x" }));
    const plain = await s3.send(new ListObjectsV2Command({ Bucket: "xml-input" }));
    assert.deepEqual(plain.Contents?.map((o) => o.Key), ["ctl\uFFFDkey"]);
    const encoded = await s3.send(new ListObjectsV2Command({ Bucket: "xml-input", EncodingType: "url" }));
    assert.deepEqual(encoded.Contents?.map((o) => o.Key), ["ctl%01key"]);
  });
});

describe("a distribution stored before control characters were refused", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-xml-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("no longer breaks ListDistributions after a restart, for the SDK or the aws CLI", async () => {
    const first = await startEmulator({ port: 0, dataDir: dir, logLevel: "warn" });
    let id: string | undefined;
    try {
      id = (await cloudFrontClient(first.controlUrl).send(new CreateDistributionCommand({ DistributionConfig: config("old-data", "old-data") }))).Distribution?.Id;
    } finally {
      await first.dispose();
    }
    // What an older minifront stored for a Comment of "old\u0001data" (it accepted one).
    const db = new DatabaseSync(join(dir, "state.sqlite"));
    try {
      const changed = db.prepare("UPDATE documents SET body = replace(body, ?, ?)").run('"Comment":"old-data"', '"Comment":"old\\u0001data"');
      assert.equal(changed.changes, 1);
    } finally {
      db.close();
    }
    const second = await startEmulator({ port: 0, dataDir: dir, logLevel: "warn" });
    try {
      const client = cloudFrontClient(second.controlUrl);
      const list = await client.send(new ListDistributionsCommand({}));
      assert.equal(list.DistributionList?.Items?.find((d) => d.Id === id)?.Comment, "old\uFFFDdata");
      assert.equal((await client.send(new GetDistributionConfigCommand({ Id: id }))).DistributionConfig?.Comment, "old\uFFFDdata");
      if (HAS_CLI) {
        const cliDir = mkdtempSync(join(tmpdir(), "minifront-cli-"));
        try {
          const r = await runAws(["cloudfront", "list-distributions"], { endpoint: second.controlUrl, configDir: cliDir });
          assert.equal(r.code, 0, r.stderr);
          assert.equal((JSON.parse(r.stdout) as { DistributionList: { Items: Array<{ Comment: string }> } }).DistributionList.Items[0]?.Comment, "old\uFFFDdata");
        } finally {
          rmSync(cliDir, { recursive: true, force: true });
        }
      }
    } finally {
      await second.dispose();
    }
  });
});
