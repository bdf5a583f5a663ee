// The RealtimeLogConfig API through the CloudFront SDK client (issue 15; CloudFront Developer Guide,
// "Real-time logs"; API reference "CreateRealtimeLogConfig", "GetRealtimeLogConfig",
// "UpdateRealtimeLogConfig", "DeleteRealtimeLogConfig", "ListRealtimeLogConfigs"), and a cache
// behavior's RealtimeLogConfigArn, which must name an existing configuration.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CreateDistributionCommand,
  CreateRealtimeLogConfigCommand,
  DeleteRealtimeLogConfigCommand,
  GetDistributionConfigCommand,
  GetRealtimeLogConfigCommand,
  ListRealtimeLogConfigsCommand,
  UpdateDistributionCommand,
  UpdateRealtimeLogConfigCommand,
  type CreateRealtimeLogConfigRequest,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { MAX_REALTIME_LOG_CONFIGS } from "../../src/services/cloudfront/handlers/realtime-log-configs.ts";

const STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/cf-logs";
const ROLE = "arn:aws:iam::123456789012:role/CloudFront-RealtimeLogs";

function config(name: string, extra: Partial<CreateRealtimeLogConfigRequest> = {}): CreateRealtimeLogConfigRequest {
  return {
    Name: name,
    SamplingRate: 50,
    EndPoints: [{ StreamType: "Kinesis", KinesisStreamConfig: { StreamARN: STREAM, RoleARN: ROLE } }],
    Fields: ["timestamp", "sc-status"],
    ...extra,
  };
}

function distribution(realtimeLogConfigArn: string | undefined): DistributionConfig {
  return {
    CallerReference: `rtl-${Math.random()}`,
    Comment: "",
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
    DefaultCacheBehavior: {
      TargetOriginId: "o",
      ViewerProtocolPolicy: "allow-all",
      CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
      ...(realtimeLogConfigArn ? { RealtimeLogConfigArn: realtimeLogConfigArn } : {}),
    },
  };
}

describe("real-time log configurations", () => {
  const t = useEmulator();

  it("creates a configuration whose ARN ends in its name and whose fields come back in record order", async () => {
    const cf = t.cloudfront();
    // "In an API response, the fields are provided in the same order in which they are sent to the
    // Amazon Kinesis data stream" (API reference, RealtimeLogConfig.Fields).
    const out = await cf.send(new CreateRealtimeLogConfigCommand(config("first", { Fields: ["sc-status", "c-country", "timestamp", "sc-status"] })));
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.deepEqual(out.RealtimeLogConfig, {
      ARN: "arn:aws:cloudfront::123456789012:realtime-log-config/first",
      Name: "first",
      SamplingRate: 50,
      EndPoints: [{ StreamType: "Kinesis", KinesisStreamConfig: { StreamARN: STREAM, RoleARN: ROLE } }],
      Fields: ["timestamp", "sc-status", "c-country"],
    });
    const byName = await cf.send(new GetRealtimeLogConfigCommand({ Name: "first" }));
    const byArn = await cf.send(new GetRealtimeLogConfigCommand({ ARN: out.RealtimeLogConfig?.ARN }));
    assert.deepEqual(byName.RealtimeLogConfig, out.RealtimeLogConfig);
    assert.deepEqual(byArn.RealtimeLogConfig, out.RealtimeLogConfig);
  });

  it("refuses what AWS refuses: a taken name, a sampling rate outside 1-100, unknown fields, bad ARNs", async () => {
    const cf = t.cloudfront();
    await cf.send(new CreateRealtimeLogConfigCommand(config("taken")));
    await expectServiceError(cf.send(new CreateRealtimeLogConfigCommand(config("taken"))), 409, "RealtimeLogConfigAlreadyExists");
    // "The sampling rate is a whole number between 1 and 100 (inclusive)" (guide, "Sampling rate").
    for (const SamplingRate of [0, 101]) await expectServiceError(cf.send(new CreateRealtimeLogConfigCommand(config("rate", { SamplingRate }))), 400, "InvalidArgument");
    await expectServiceError(cf.send(new CreateRealtimeLogConfigCommand(config("field", { Fields: ["timestamp", "cs(Host)"] }))), 400, "InvalidArgument");
    await expectServiceError(cf.send(new CreateRealtimeLogConfigCommand(config("none", { Fields: [] }))), 400, "InvalidArgument");
    const endPoint = (StreamType: string, StreamARN: string, RoleARN: string) => ({ EndPoints: [{ StreamType, KinesisStreamConfig: { StreamARN, RoleARN } }] });
    await expectServiceError(cf.send(new CreateRealtimeLogConfigCommand(config("type", endPoint("Firehose", STREAM, ROLE)))), 400, "InvalidArgument");
    await expectServiceError(cf.send(new CreateRealtimeLogConfigCommand(config("stream", endPoint("Kinesis", "arn:aws:s3:::bucket", ROLE)))), 400, "InvalidArgument");
    await expectServiceError(cf.send(new CreateRealtimeLogConfigCommand(config("role", endPoint("Kinesis", STREAM, "arn:aws:iam::123456789012:user/me")))), 400, "InvalidArgument");
    await expectServiceError(cf.send(new GetRealtimeLogConfigCommand({ Name: "nope" })), 404, "NoSuchRealtimeLogConfig");
    await expectServiceError(cf.send(new GetRealtimeLogConfigCommand({ Name: "first", ARN: "arn:aws:cloudfront::123456789012:realtime-log-config/taken" })), 400, "InvalidArgument");
  });

  it("updates the sampling rate, fields and endpoints in place, identified by name or ARN", async () => {
    const cf = t.cloudfront();
    const created = await cf.send(new CreateRealtimeLogConfigCommand(config("updated")));
    const out = await cf.send(new UpdateRealtimeLogConfigCommand({ ARN: created.RealtimeLogConfig?.ARN, SamplingRate: 100, Fields: ["cs-uri-stem", "timestamp"], EndPoints: created.RealtimeLogConfig?.EndPoints }));
    assert.equal(out.RealtimeLogConfig?.SamplingRate, 100);
    assert.deepEqual(out.RealtimeLogConfig?.Fields, ["timestamp", "cs-uri-stem"]);
    assert.deepEqual((await cf.send(new GetRealtimeLogConfigCommand({ Name: "updated" }))).RealtimeLogConfig, out.RealtimeLogConfig);
    await expectServiceError(cf.send(new UpdateRealtimeLogConfigCommand({ Name: "updated", SamplingRate: 0 })), 400, "InvalidArgument");
    await expectServiceError(cf.send(new UpdateRealtimeLogConfigCommand({ Name: "missing", SamplingRate: 5 })), 404, "NoSuchRealtimeLogConfig");
  });

  it("lists configurations a page at a time", async () => {
    const cf = t.cloudfront();
    for (const name of ["page-a", "page-b", "page-c"]) await cf.send(new CreateRealtimeLogConfigCommand(config(name)));
    const all = (await cf.send(new ListRealtimeLogConfigsCommand({}))).RealtimeLogConfigs;
    const names = (all?.Items ?? []).map((c) => c.Name);
    assert.equal(all?.IsTruncated, false);
    assert.ok(["page-a", "page-b", "page-c"].every((n) => names.includes(n)));
    const seen: string[] = [];
    let Marker: string | undefined;
    do {
      const page = (await cf.send(new ListRealtimeLogConfigsCommand({ MaxItems: 2, Marker }))).RealtimeLogConfigs;
      assert.ok((page?.Items ?? []).length <= 2);
      assert.equal(page?.MaxItems, 2);
      seen.push(...(page?.Items ?? []).map((c) => c.Name ?? ""));
      assert.equal(page?.IsTruncated, page?.NextMarker !== undefined);
      Marker = page?.NextMarker;
    } while (Marker);
    assert.deepEqual(seen, names);
  });

  it("lets a behavior name only an existing configuration, and refuses to delete one in use", async () => {
    const cf = t.cloudfront();
    const unknown = "arn:aws:cloudfront::123456789012:realtime-log-config/unknown";
    await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: distribution(unknown) })), 404, "NoSuchRealtimeLogConfig");
    const arn = (await cf.send(new CreateRealtimeLogConfigCommand(config("in-use")))).RealtimeLogConfig?.ARN as string;
    const dist = await cf.send(new CreateDistributionCommand({ DistributionConfig: distribution(arn) }));
    const id = dist.Distribution?.Id as string;
    const got = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    assert.equal(got.DistributionConfig?.DefaultCacheBehavior?.RealtimeLogConfigArn, arn);
    await expectServiceError(cf.send(new DeleteRealtimeLogConfigCommand({ Name: "in-use" })), 400, "RealtimeLogConfigInUse");
    await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: got.ETag, DistributionConfig: { ...distribution(undefined), CallerReference: got.DistributionConfig?.CallerReference } }));
    const deleted = await cf.send(new DeleteRealtimeLogConfigCommand({ ARN: arn }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await expectServiceError(cf.send(new GetRealtimeLogConfigCommand({ ARN: arn })), 404, "NoSuchRealtimeLogConfig");
    await expectServiceError(cf.send(new DeleteRealtimeLogConfigCommand({ Name: "in-use" })), 404, "NoSuchRealtimeLogConfig");
  });

  it("stops at the account's quota of configurations", async () => {
    const cf = t.cloudfront();
    const existing = (await cf.send(new ListRealtimeLogConfigsCommand({}))).RealtimeLogConfigs?.Items?.length ?? 0;
    for (let i = existing; i < MAX_REALTIME_LOG_CONFIGS; i++) await cf.send(new CreateRealtimeLogConfigCommand(config(`quota-${i}`)));
    await expectServiceError(cf.send(new CreateRealtimeLogConfigCommand(config("one-too-many"))), 400, "TooManyRealtimeLogConfigs");
  });
});
