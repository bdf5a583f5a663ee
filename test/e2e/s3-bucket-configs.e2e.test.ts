// The embedded S3's bucket configurations through @aws-sdk/client-s3 on a real port: what a read
// answers with nothing set (the AWS provider refreshes them all), round trips, S3's validation
// errors (and that a refused document changes nothing), the id-keyed sets with paging, S3
// Metadata, and lifecycle rules applied by the sweep as a ManualClock moves. Expected behaviour
// is real S3's, from each operation's S3 API reference and "Amazon S3 error responses".
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  UploadPartCommand,
  CreateBucketCommand,
  CreateBucketMetadataConfigurationCommand,
  CreateBucketMetadataTableConfigurationCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketMetadataConfigurationCommand,
  DeleteBucketMetadataTableConfigurationCommand,
  DeleteBucketAnalyticsConfigurationCommand,
  DeleteBucketIntelligentTieringConfigurationCommand,
  DeleteBucketInventoryConfigurationCommand,
  DeleteBucketMetricsConfigurationCommand,
  DeleteBucketReplicationCommand,
  GetBucketAbacCommand,
  GetBucketAccelerateConfigurationCommand,
  GetBucketAnalyticsConfigurationCommand,
  GetBucketEncryptionCommand,
  GetBucketIntelligentTieringConfigurationCommand,
  GetBucketInventoryConfigurationCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketMetadataConfigurationCommand,
  GetBucketMetadataTableConfigurationCommand,
  GetBucketMetricsConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketReplicationCommand,
  GetBucketRequestPaymentCommand,
  HeadObjectCommand,
  ListBucketAnalyticsConfigurationsCommand,
  ListBucketIntelligentTieringConfigurationsCommand,
  ListBucketInventoryConfigurationsCommand,
  ListBucketMetricsConfigurationsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketAbacCommand,
  PutBucketAccelerateConfigurationCommand,
  PutBucketAnalyticsConfigurationCommand,
  PutBucketEncryptionCommand,
  PutBucketIntelligentTieringConfigurationCommand,
  PutBucketInventoryConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketLoggingCommand,
  PutBucketMetricsConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketReplicationCommand,
  PutBucketRequestPaymentCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UpdateBucketMetadataAnnotationTableConfigurationCommand,
  UpdateBucketMetadataInventoryTableConfigurationCommand,
  UpdateBucketMetadataJournalTableConfigurationCommand,
  type LifecycleRule,
} from "@aws-sdk/client-s3";
import { ManualClock } from "../../src/index.ts";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";

const DAY = 24 * 60 * 60 * 1000;

/** Polls `check` until it holds (the sweep runs on a timer once the clock enters a new day). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe("S3 bucket configurations", () => {
  const clock = new ManualClock(Date.parse("2026-03-10T12:00:00Z"));
  const t = useEmulator({ clock });
  let client: S3Client | undefined;
  before(() => {
    client = new S3Client({ region: "us-east-1", endpoint: t.emu.s3Url, forcePathStyle: true, credentials: CREDENTIALS, maxAttempts: 1 });
  });
  after(() => client?.destroy());
  const s3 = () => client as S3Client;
  let n = 0;
  async function newBucket(prefix = "cfg"): Promise<string> {
    const name = `${prefix}-${++n}-${Date.now().toString(36)}`;
    await s3().send(new CreateBucketCommand({ Bucket: name }));
    return name;
  }

  it("answers S3's defaults and not-found errors for reads of configurations never set", async () => {
    const Bucket = await newBucket();
    // Since 2023 every bucket has SSE-S3 default encryption (GetBucketEncryption API reference).
    const enc = await s3().send(new GetBucketEncryptionCommand({ Bucket }));
    assert.deepEqual(enc.ServerSideEncryptionConfiguration?.Rules, [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false }]);
    assert.equal((await s3().send(new GetBucketAccelerateConfigurationCommand({ Bucket }))).Status, undefined);
    assert.equal((await s3().send(new GetBucketRequestPaymentCommand({ Bucket }))).Payer, "BucketOwner");
    assert.equal((await s3().send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled, undefined);
    const notification = await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket }));
    assert.equal(notification.TopicConfigurations ?? notification.QueueConfigurations ?? notification.LambdaFunctionConfigurations, undefined);
    assert.equal((await s3().send(new GetBucketAbacCommand({ Bucket }))).AbacStatus?.Status, "Disabled");
    await expectServiceError(s3().send(new GetBucketLifecycleConfigurationCommand({ Bucket })), 404, "NoSuchLifecycleConfiguration");
    await expectServiceError(s3().send(new GetBucketReplicationCommand({ Bucket })), 404, "ReplicationConfigurationNotFoundError");
    await expectServiceError(s3().send(new GetBucketMetricsConfigurationCommand({ Bucket, Id: "m" })), 404, "NoSuchConfiguration");
    await expectServiceError(s3().send(new GetBucketAnalyticsConfigurationCommand({ Bucket, Id: "a" })), 404, "NoSuchConfiguration");
    await expectServiceError(s3().send(new GetBucketInventoryConfigurationCommand({ Bucket, Id: "i" })), 404, "NoSuchConfiguration");
    await expectServiceError(s3().send(new GetBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "t" })), 404, "NoSuchConfiguration");
    await expectServiceError(s3().send(new GetBucketMetadataConfigurationCommand({ Bucket })), 404, "MetadataConfigurationNotFound");
    await expectServiceError(s3().send(new GetBucketMetadataTableConfigurationCommand({ Bucket })), 404, "MetadataConfigurationNotFound");
    for (const list of [
      await s3().send(new ListBucketMetricsConfigurationsCommand({ Bucket })),
      await s3().send(new ListBucketAnalyticsConfigurationsCommand({ Bucket })),
      await s3().send(new ListBucketInventoryConfigurationsCommand({ Bucket })),
      await s3().send(new ListBucketIntelligentTieringConfigurationsCommand({ Bucket })),
    ]) {
      assert.equal(list.IsTruncated, false);
    }
    await expectServiceError(s3().send(new GetBucketEncryptionCommand({ Bucket: "no-such-bucket-here" })), 404, "NoSuchBucket");
  });

  it("stores default encryption, reflects it on new objects, and returns to SSE-S3 on delete", async () => {
    const Bucket = await newBucket();
    const kms = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" as const, KMSMasterKeyID: "arn:aws:kms:us-east-1:123456789012:key/k1" }, BucketKeyEnabled: true };
    await s3().send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [kms] } }));
    assert.deepEqual((await s3().send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules, [kms]);

    const put = await s3().send(new PutObjectCommand({ Bucket, Key: "k", Body: "x" }));
    assert.equal(put.ServerSideEncryption, "aws:kms");
    assert.equal(put.SSEKMSKeyId, kms.ApplyServerSideEncryptionByDefault.KMSMasterKeyID);
    assert.equal(put.BucketKeyEnabled, true);
    const head = await s3().send(new HeadObjectCommand({ Bucket, Key: "k" }));
    assert.equal(head.ServerSideEncryption, "aws:kms");
    // Copies and multipart uploads report the encryption they are stored with too.
    const copy = await s3().send(new CopyObjectCommand({ Bucket, Key: "copy", CopySource: `${Bucket}/k` }));
    assert.equal(copy.ServerSideEncryption, "aws:kms");
    const upload = await s3().send(new CreateMultipartUploadCommand({ Bucket, Key: "mp" }));
    assert.equal(upload.ServerSideEncryption, "aws:kms");
    const part = await s3().send(new UploadPartCommand({ Bucket, Key: "mp", UploadId: upload.UploadId, PartNumber: 1, Body: "y" }));
    const done = await s3().send(new CompleteMultipartUploadCommand({ Bucket, Key: "mp", UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.equal(done.ServerSideEncryption, "aws:kms");

    // A KMS key id with SSE-S3 is S3's InvalidArgument; the stored configuration is unchanged.
    await expectServiceError(
      s3().send(new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256", KMSMasterKeyID: "k" } }] } })),
      400,
      "InvalidArgument",
    );
    assert.deepEqual((await s3().send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules, [kms]);

    await s3().send(new DeleteBucketEncryptionCommand({ Bucket }));
    assert.equal((await s3().send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, "AES256");
    assert.equal((await s3().send(new PutObjectCommand({ Bucket, Key: "k2", Body: "x" }))).ServerSideEncryption, "AES256");
    // The object written under SSE-KMS keeps it.
    assert.equal((await s3().send(new HeadObjectCommand({ Bucket, Key: "k" }))).ServerSideEncryption, "aws:kms");
  });

  it("round-trips a lifecycle configuration and refuses invalid ones with S3's errors, changing nothing", async () => {
    const Bucket = await newBucket();
    const rules: LifecycleRule[] = [
      { ID: "logs", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Days: 90 }, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] },
      { ID: "dated", Status: "Disabled", Filter: { And: { Prefix: "tmp/", Tags: [{ Key: "a", Value: "b" }] } }, Expiration: { Date: new Date("2027-01-01T00:00:00Z") } },
      { ID: "mpu", Status: "Enabled", Filter: {}, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
    ];
    const put = await s3().send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: rules } }));
    assert.equal(put.TransitionDefaultMinimumObjectSize, "all_storage_classes_128K");
    const got = await s3().send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    assert.equal(got.TransitionDefaultMinimumObjectSize, "all_storage_classes_128K");
    assert.deepEqual(got.Rules, rules);

    const bad: Array<[string, LifecycleRule[], number, string]> = [
      ["an ID over 255 characters", [{ ID: "x".repeat(256), Status: "Enabled", Filter: {}, Expiration: { Days: 1 } }], 400, "InvalidArgument"],
      ["two rules with one ID", [{ ID: "a", Status: "Enabled", Filter: {}, Expiration: { Days: 1 } }, { ID: "a", Status: "Enabled", Filter: {}, Expiration: { Days: 2 } }], 400, "InvalidArgument"],
      ["Days 0", [{ ID: "a", Status: "Enabled", Filter: {}, Expiration: { Days: 0 } }], 400, "InvalidArgument"],
      ["no action", [{ ID: "a", Status: "Enabled", Filter: {} }], 400, "InvalidRequest"],
      ["neither Filter nor Prefix", [{ ID: "a", Status: "Enabled", Expiration: { Days: 1 } }], 400, "MalformedXML"],
      ["a date not at midnight", [{ ID: "a", Status: "Enabled", Filter: {}, Expiration: { Date: new Date("2027-01-01T10:00:00Z") } }], 400, "InvalidArgument"],
      ["STANDARD_IA before 30 days", [{ ID: "a", Status: "Enabled", Filter: {}, Transitions: [{ Days: 10, StorageClass: "STANDARD_IA" }] }], 400, "InvalidArgument"],
      ["abort with a tag filter", [{ ID: "a", Status: "Enabled", Filter: { Tag: { Key: "k", Value: "v" } }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }], 400, "InvalidRequest"],
      ["1001 rules", Array.from({ length: 1001 }, (_, i) => ({ ID: `r${i}`, Status: "Enabled" as const, Filter: {}, Expiration: { Days: 1 } })), 400, "MalformedXML"],
    ];
    for (const [what, Rules, status, code] of bad) {
      await expectServiceError(s3().send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules } })), status, code).catch((e: Error) => {
        throw new Error(`${what}: ${e.message}`);
      });
    }
    assert.deepEqual((await s3().send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules, rules, "refused documents changed nothing");

    // A rule without an ID gets one from S3.
    await s3().send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [{ Status: "Enabled", Prefix: "", Expiration: { Days: 3 } }] } }));
    const [only] = (await s3().send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules ?? [];
    assert.ok(only?.ID, "S3 made up an ID");
    assert.equal(only.Prefix, "");
    await s3().send(new DeleteBucketLifecycleCommand({ Bucket }));
    await expectServiceError(s3().send(new GetBucketLifecycleConfigurationCommand({ Bucket })), 404, "NoSuchLifecycleConfiguration");
  });

  it("expires objects and aborts uploads when the clock passes the rule's day (lifecycle sweep)", async () => {
    const Bucket = await newBucket();
    await s3().send(new PutObjectCommand({ Bucket, Key: "tmp/a", Body: "a" }));
    await s3().send(new PutObjectCommand({ Bucket, Key: "keep/b", Body: "b" }));
    const upload = await s3().send(new CreateMultipartUploadCommand({ Bucket, Key: "tmp/big" }));
    await s3().send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket,
        LifecycleConfiguration: {
          Rules: [
            { ID: "tmp", Status: "Enabled", Filter: { Prefix: "tmp/" }, Expiration: { Days: 1 } },
            { ID: "mpu", Status: "Enabled", Filter: { Prefix: "" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
          ],
        },
      }),
    );
    const keys = async () => ((await s3().send(new ListObjectsV2Command({ Bucket }))).Contents ?? []).map((o) => o.Key);
    const uploads = async () => (await s3().send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? [];
    // Written on day D at 12:00: due at midnight after D+1 12:00, i.e. D+2 00:00 (the exact
    // boundaries are lifecycle-sweep.test.ts's); the timer sweeps once the clock is in a new day.
    assert.deepEqual(await keys(), ["keep/b", "tmp/a"]);
    clock.advance(2 * DAY);
    await eventually(async () => (await keys()).length === 1, "tmp/a expired");
    assert.deepEqual(await keys(), ["keep/b"]);
    assert.equal((await uploads()).length, 1, "the upload is 2 days old only at D+2 12:00, due at D+3 00:00");
    clock.advance(DAY);
    await eventually(async () => (await uploads()).length === 0, "the upload was aborted");
    assert.ok(upload.UploadId);
  });

  it("expires current versions behind a delete marker and noncurrent versions after NoncurrentDays in a versioned bucket", async () => {
    const Bucket = await newBucket();
    await s3().send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
    await s3().send(new PutObjectCommand({ Bucket, Key: "doc", Body: "v1" }));
    await s3().send(new PutObjectCommand({ Bucket, Key: "doc", Body: "v2" }));
    await s3().send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket,
        LifecycleConfiguration: { Rules: [{ ID: "old", Status: "Enabled", Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }] },
      }),
    );
    const versions = async () => (await s3().send(new ListObjectVersionsCommand({ Bucket }))).Versions ?? [];
    assert.equal((await versions()).length, 2);
    clock.advance(2 * DAY);
    await eventually(async () => (await versions()).length === 1, "the noncurrent version was removed");
    assert.equal((await versions())[0]?.IsLatest, true);

    await s3().send(
      new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [{ ID: "cur", Status: "Enabled", Filter: {}, Expiration: { Days: 1 } }] } }),
    );
    clock.advance(2 * DAY);
    await eventually(async () => ((await s3().send(new ListObjectVersionsCommand({ Bucket }))).DeleteMarkers ?? []).length === 1, "a delete marker hides doc");
    assert.equal((await versions()).length, 1, "the version stays, noncurrent");
  });

  it("stores accelerate, request payment, logging, notification and ABAC with S3's validation", async () => {
    const Bucket = await newBucket();
    const target = await newBucket("logs");
    await s3().send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: "Enabled" } }));
    assert.equal((await s3().send(new GetBucketAccelerateConfigurationCommand({ Bucket }))).Status, "Enabled");
    await s3().send(new PutBucketRequestPaymentCommand({ Bucket, RequestPaymentConfiguration: { Payer: "Requester" } }));
    assert.equal((await s3().send(new GetBucketRequestPaymentCommand({ Bucket }))).Payer, "Requester");

    const logging = { TargetBucket: target, TargetPrefix: "access/" };
    await s3().send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: { LoggingEnabled: logging } }));
    assert.deepEqual((await s3().send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled, logging);
    await expectServiceError(
      s3().send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: "no-such-log-bucket", TargetPrefix: "" } } })),
      400,
      "InvalidTargetBucketForLogging",
    );
    assert.deepEqual((await s3().send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled, logging);
    await s3().send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: {} }));
    assert.equal((await s3().send(new GetBucketLoggingCommand({ Bucket }))).LoggingEnabled, undefined);

    const queue = { Id: "q", QueueArn: "arn:aws:sqs:us-east-1:123456789012:q", Events: ["s3:ObjectCreated:*" as const], Filter: { Key: { FilterRules: [{ Name: "prefix" as const, Value: "in/" }] } } };
    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { QueueConfigurations: [queue] } }));
    assert.deepEqual((await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket }))).QueueConfigurations, [queue]);
    await expectServiceError(
      s3().send(new PutBucketNotificationConfigurationCommand({ Bucket, NotificationConfiguration: { QueueConfigurations: [{ ...queue, Events: ["s3:Nope" as "s3:ObjectCreated:*"] }] } })),
      400,
      "InvalidArgument",
    );

    await s3().send(new PutBucketAbacCommand({ Bucket, AbacStatus: { Status: "Enabled" } }));
    assert.equal((await s3().send(new GetBucketAbacCommand({ Bucket }))).AbacStatus?.Status, "Enabled");
    await expectServiceError(s3().send(new PutBucketAccelerateConfigurationCommand({ Bucket, AccelerateConfiguration: { Status: "On" as "Enabled" } })), 400, "MalformedXML");
  });

  it("needs versioning on both sides for replication", async () => {
    const Bucket = await newBucket();
    const dest = await newBucket("replica");
    const config = {
      Role: "arn:aws:iam::123456789012:role/replication",
      Rules: [{ ID: "all", Priority: 1, Status: "Enabled" as const, Filter: { Prefix: "" }, DeleteMarkerReplication: { Status: "Disabled" as const }, Destination: { Bucket: `arn:aws:s3:::${dest}` } }],
    };
    await expectServiceError(s3().send(new PutBucketReplicationCommand({ Bucket, ReplicationConfiguration: config })), 400, "InvalidRequest");
    await s3().send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }));
    await expectServiceError(s3().send(new PutBucketReplicationCommand({ Bucket, ReplicationConfiguration: config })), 400, "InvalidRequest");
    await s3().send(new PutBucketVersioningCommand({ Bucket: dest, VersioningConfiguration: { Status: "Enabled" } }));
    await s3().send(new PutBucketReplicationCommand({ Bucket, ReplicationConfiguration: config }));
    assert.deepEqual((await s3().send(new GetBucketReplicationCommand({ Bucket }))).ReplicationConfiguration, config);
    await s3().send(new DeleteBucketReplicationCommand({ Bucket }));
    await expectServiceError(s3().send(new GetBucketReplicationCommand({ Bucket })), 404, "ReplicationConfigurationNotFoundError");
  });

  it("keeps id-keyed configurations, pages their listings by 100, and refuses a mismatched id", async () => {
    const Bucket = await newBucket();
    for (let i = 0; i < 105; i++) {
      const Id = `m${String(i).padStart(3, "0")}`;
      await s3().send(new PutBucketMetricsConfigurationCommand({ Bucket, Id, MetricsConfiguration: { Id, Filter: { Prefix: `p${i}/` } } }));
    }
    const first = await s3().send(new ListBucketMetricsConfigurationsCommand({ Bucket }));
    assert.equal(first.MetricsConfigurationList?.length, 100);
    assert.equal(first.IsTruncated, true);
    const second = await s3().send(new ListBucketMetricsConfigurationsCommand({ Bucket, ContinuationToken: first.NextContinuationToken }));
    assert.deepEqual(second.MetricsConfigurationList?.map((m) => m.Id), ["m100", "m101", "m102", "m103", "m104"]);
    assert.equal(second.IsTruncated, false);
    assert.deepEqual((await s3().send(new GetBucketMetricsConfigurationCommand({ Bucket, Id: "m007" }))).MetricsConfiguration, { Id: "m007", Filter: { Prefix: "p7/" } });
    await s3().send(new DeleteBucketMetricsConfigurationCommand({ Bucket, Id: "m007" }));
    await expectServiceError(s3().send(new DeleteBucketMetricsConfigurationCommand({ Bucket, Id: "m007" })), 404, "NoSuchConfiguration");
    await expectServiceError(s3().send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: "a", MetricsConfiguration: { Id: "b" } })), 400, "InvalidArgument");

    const inventory = {
      Id: "inv",
      IsEnabled: true,
      IncludedObjectVersions: "Current" as const,
      Schedule: { Frequency: "Daily" as const },
      Destination: { S3BucketDestination: { Bucket: "arn:aws:s3:::inventory-dest", Format: "CSV" as const } },
      OptionalFields: ["Size" as const, "ETag" as const],
    };
    await s3().send(new PutBucketInventoryConfigurationCommand({ Bucket, Id: "inv", InventoryConfiguration: inventory }));
    assert.deepEqual((await s3().send(new GetBucketInventoryConfigurationCommand({ Bucket, Id: "inv" }))).InventoryConfiguration, inventory);
    assert.equal((await s3().send(new ListBucketInventoryConfigurationsCommand({ Bucket }))).InventoryConfigurationList?.length, 1);

    const analytics = { Id: "an", StorageClassAnalysis: {} };
    await s3().send(new PutBucketAnalyticsConfigurationCommand({ Bucket, Id: "an", AnalyticsConfiguration: analytics }));
    assert.equal((await s3().send(new GetBucketAnalyticsConfigurationCommand({ Bucket, Id: "an" }))).AnalyticsConfiguration?.Id, "an");

    const tiering = { Id: "it", Status: "Enabled" as const, Tierings: [{ AccessTier: "ARCHIVE_ACCESS" as const, Days: 90 }] };
    await s3().send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "it", IntelligentTieringConfiguration: tiering }));
    assert.deepEqual((await s3().send(new GetBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "it" }))).IntelligentTieringConfiguration, tiering);
    await expectServiceError(
      s3().send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "it2", IntelligentTieringConfiguration: { ...tiering, Id: "it2", Tierings: [{ AccessTier: "ARCHIVE_ACCESS", Days: 30 }] } })),
      400,
      "InvalidArgument",
    );

    await s3().send(new DeleteBucketInventoryConfigurationCommand({ Bucket, Id: "inv" }));
    await s3().send(new DeleteBucketAnalyticsConfigurationCommand({ Bucket, Id: "an" }));
    await s3().send(new DeleteBucketIntelligentTieringConfigurationCommand({ Bucket, Id: "it" }));
    assert.equal((await s3().send(new ListBucketInventoryConfigurationsCommand({ Bucket }))).InventoryConfigurationList, undefined);
    assert.equal((await s3().send(new ListBucketAnalyticsConfigurationsCommand({ Bucket }))).AnalyticsConfigurationList, undefined);
    assert.equal((await s3().send(new ListBucketIntelligentTieringConfigurationsCommand({ Bucket }))).IntelligentTieringConfigurationList, undefined);
  });

  it("creates, reads, updates and deletes S3 Metadata configurations", async () => {
    const Bucket = await newBucket();
    await s3().send(
      new CreateBucketMetadataConfigurationCommand({
        Bucket,
        MetadataConfiguration: { JournalTableConfiguration: { RecordExpiration: { Expiration: "ENABLED", Days: 30 } }, InventoryTableConfiguration: { ConfigurationState: "DISABLED" } },
      }),
    );
    await expectServiceError(
      s3().send(new CreateBucketMetadataConfigurationCommand({ Bucket, MetadataConfiguration: { JournalTableConfiguration: { RecordExpiration: { Expiration: "DISABLED" } } } })),
      409,
      "MetadataConfigurationAlreadyExists",
    );
    let got = (await s3().send(new GetBucketMetadataConfigurationCommand({ Bucket }))).GetBucketMetadataConfigurationResult?.MetadataConfigurationResult;
    assert.equal(got?.JournalTableConfigurationResult?.TableStatus, "ACTIVE");
    assert.equal(got?.JournalTableConfigurationResult?.RecordExpiration?.Days, 30);
    assert.equal(got?.InventoryTableConfigurationResult?.ConfigurationState, "DISABLED");
    assert.equal(got?.DestinationResult?.TableBucketType, "aws");

    await s3().send(new UpdateBucketMetadataInventoryTableConfigurationCommand({ Bucket, InventoryTableConfiguration: { ConfigurationState: "ENABLED" } }));
    await expectServiceError(
      s3().send(new UpdateBucketMetadataJournalTableConfigurationCommand({ Bucket, JournalTableConfiguration: { RecordExpiration: { Expiration: "ENABLED", Days: 1 } } })),
      400,
      "InvalidArgument",
    );
    await s3().send(
      new UpdateBucketMetadataAnnotationTableConfigurationCommand({ Bucket, AnnotationTableConfiguration: { ConfigurationState: "ENABLED", Role: "arn:aws:iam::123456789012:role/annotate" } }),
    );
    got = (await s3().send(new GetBucketMetadataConfigurationCommand({ Bucket }))).GetBucketMetadataConfigurationResult?.MetadataConfigurationResult;
    assert.equal(got?.InventoryTableConfigurationResult?.TableName, "inventory");
    assert.equal(got?.AnnotationTableConfigurationResult?.ConfigurationState, "ENABLED");
    assert.equal(got?.JournalTableConfigurationResult?.RecordExpiration?.Days, 30);
    await s3().send(new DeleteBucketMetadataConfigurationCommand({ Bucket }));
    await expectServiceError(s3().send(new DeleteBucketMetadataConfigurationCommand({ Bucket })), 404, "MetadataConfigurationNotFound");

    const TableBucketArn = "arn:aws:s3tables:us-east-1:123456789012:bucket/tables";
    await s3().send(new CreateBucketMetadataTableConfigurationCommand({ Bucket, MetadataTableConfiguration: { S3TablesDestination: { TableBucketArn, TableName: "journal_v1" } } }));
    const v1 = (await s3().send(new GetBucketMetadataTableConfigurationCommand({ Bucket }))).GetBucketMetadataTableConfigurationResult;
    assert.equal(v1?.Status, "ACTIVE");
    assert.equal(v1?.MetadataTableConfigurationResult?.S3TablesDestinationResult?.TableBucketArn, TableBucketArn);
    await s3().send(new DeleteBucketMetadataTableConfigurationCommand({ Bucket }));
    await expectServiceError(s3().send(new GetBucketMetadataTableConfigurationCommand({ Bucket })), 404, "MetadataConfigurationNotFound");
  });
});
