// Validation of stored bucket configurations and the encryption objects get, from the API
// reference of PutBucketEncryption, PutBucketNotificationConfiguration and PutBucketReplication.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NotificationConfiguration, ReplicationConfiguration, ServerSideEncryptionConfiguration } from "@aws-sdk/client-s3";
import { ServiceError } from "../../api/errors.ts";
import { encryptionForWrite, encryptionOutput, validateEncryption } from "./encryption.ts";
import { bucketFromArn, validateNotification, validateReplication } from "./config-validation.ts";
import type { BucketRecord } from "./storage.ts";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ServiceError);
    return err.code;
  }
  return "accepted";
}

const bucket = (encryption?: BucketRecord["config"]["encryption"]): BucketRecord => ({ name: "b", created: 0, region: "us-east-1", config: encryption ? { encryption } : {} });

describe("default encryption", () => {
  const table: Array<[string, ServerSideEncryptionConfiguration | undefined, string]> = [
    ["SSE-S3", { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] }, "accepted"],
    ["SSE-KMS with a key", { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "k" }, BucketKeyEnabled: true }] }, "accepted"],
    ["DSSE-KMS", { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms:dsse" } }] }, "accepted"],
    ["no rule", { Rules: [] }, "MalformedXML"],
    ["an unknown algorithm", { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "ROT13" as "AES256" } }] }, "MalformedXML"],
    ["a KMS key with SSE-S3", { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256", KMSMasterKeyID: "k" } }] }, "InvalidArgument"],
    ["blocking an unknown encryption type", { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BlockedEncryptionTypes: { EncryptionType: ["SSE-X" as "SSE-C"] } }] }, "MalformedXML"],
  ];
  for (const [what, config, expected] of table) it(`${what}: ${expected}`, () => assert.equal(code(() => validateEncryption(config)), expected));

  it("gives new objects the request's encryption, else the bucket default, else SSE-S3", () => {
    assert.deepEqual(encryptionForWrite(bucket(), {}), { ServerSideEncryption: "AES256" });
    const kms = bucket({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "key-1" }, BucketKeyEnabled: true }] });
    assert.deepEqual(encryptionForWrite(kms, {}), { ServerSideEncryption: "aws:kms", SSEKMSKeyId: "key-1", BucketKeyEnabled: true });
    assert.deepEqual(encryptionForWrite(kms, { ServerSideEncryption: "AES256" }), { ServerSideEncryption: "AES256" });
    assert.deepEqual(encryptionForWrite(bucket(), { ServerSideEncryption: "aws:kms", SSEKMSKeyId: "key-2" }), { ServerSideEncryption: "aws:kms", SSEKMSKeyId: "key-2" });
    assert.equal(code(() => encryptionForWrite(bucket(), { ServerSideEncryption: "none" })), "InvalidArgument");
    assert.deepEqual(encryptionOutput({}), { ServerSideEncryption: "AES256" }, "objects from before encryption was recorded report SSE-S3");
  });
});

describe("notification and replication documents", () => {
  const queue = { QueueArn: "arn:aws:sqs:us-east-1:123456789012:q", Events: ["s3:ObjectCreated:Put" as const] };
  const notifications: Array<[string, NotificationConfiguration, string]> = [
    ["a queue", { QueueConfigurations: [queue] }, "accepted"],
    ["an unknown event", { QueueConfigurations: [{ ...queue, Events: ["s3:Whatever" as "s3:ObjectCreated:Put"] }] }, "InvalidArgument"],
    ["a filter rule named neither prefix nor suffix", { QueueConfigurations: [{ ...queue, Filter: { Key: { FilterRules: [{ Name: "middle" as "prefix", Value: "x" }] } } }] }, "InvalidArgument"],
    ["two prefix rules", { QueueConfigurations: [{ ...queue, Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "a" }, { Name: "Prefix" as "prefix", Value: "b" }] } } }] }, "InvalidArgument"],
    ["two configurations with one id", { QueueConfigurations: [{ ...queue, Id: "x" }], TopicConfigurations: [{ TopicArn: "arn:aws:sns:us-east-1:1:t", Events: ["s3:ObjectRemoved:*"], Id: "x" }] }, "InvalidArgument"],
  ];
  for (const [what, config, expected] of notifications) it(`notification with ${what}: ${expected}`, () => assert.equal(code(() => validateNotification(config)), expected));

  it("names notification configurations that came without an id", () => {
    assert.ok(validateNotification({ QueueConfigurations: [queue] }).QueueConfigurations?.[0]?.Id);
  });

  const dest = { Bucket: "arn:aws:s3:::dest" };
  const v2 = { ID: "a", Priority: 1, Status: "Enabled" as const, Filter: {}, DeleteMarkerReplication: { Status: "Disabled" as const }, Destination: dest };
  const replications: Array<[string, ReplicationConfiguration, string]> = [
    ["a V2 rule", { Role: "r", Rules: [v2] }, "accepted"],
    ["a V1 rule", { Role: "r", Rules: [{ ID: "a", Prefix: "", Status: "Enabled", Destination: dest }] }, "accepted"],
    ["no role", { Role: "", Rules: [v2] }, "MalformedXML"],
    ["a V2 rule without DeleteMarkerReplication", { Role: "r", Rules: [{ ...v2, DeleteMarkerReplication: undefined }] }, "InvalidRequest"],
    ["two V2 rules with one priority", { Role: "r", Rules: [v2, { ...v2, ID: "b" }] }, "InvalidRequest"],
    ["a destination that is not a bucket ARN", { Role: "r", Rules: [{ ...v2, Destination: { Bucket: "dest" } }] }, "InvalidArgument"],
  ];
  for (const [what, config, expected] of replications) it(`replication with ${what}: ${expected}`, () => assert.equal(code(() => validateReplication(config)), expected));

  it("reads bucket names from S3 ARNs", () => {
    assert.equal(bucketFromArn("arn:aws:s3:::my-bucket"), "my-bucket");
    assert.equal(bucketFromArn("arn:aws:s3:::my-bucket/key"), undefined);
    assert.equal(bucketFromArn(undefined), undefined);
  });
});
