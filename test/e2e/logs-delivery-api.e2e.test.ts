// The CloudWatch Logs delivery API that configures standard logging (v2), end to end with
// @aws-sdk/client-cloudwatch-logs (awsJson1_1 on the shared port) and the aws CLI v1: delivery
// sources, destinations and deliveries, their validation and errors as the CloudWatch Logs API
// Reference lists them (ValidationException, ResourceNotFoundException, ConflictException), tags,
// paging and the configuration template (issue 15; CloudFront Developer Guide, "Configure standard
// logging (v2)").
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CloudWatchLogsClient,
  CreateDeliveryCommand,
  DeleteDeliveryCommand,
  DeleteDeliveryDestinationCommand,
  DeleteDeliverySourceCommand,
  DescribeConfigurationTemplatesCommand,
  DescribeDeliveriesCommand,
  DescribeDeliveryDestinationsCommand,
  DescribeDeliverySourcesCommand,
  GetDeliveryCommand,
  GetDeliveryDestinationCommand,
  GetDeliverySourceCommand,
  ListTagsForResourceCommand,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDeliveryConfigurationCommand,
  CreateLogGroupCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { CREDENTIALS, expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws } from "../helpers/aws-cli.ts";
import { STANDARD_LOG_FIELDS } from "../../src/observe/standard-log-format.ts";

const ACCOUNT = "123456789012";

describe("CloudWatch Logs delivery API (standard logging v2)", () => {
  const emu = useEmulator({ accountId: ACCOUNT });
  const logs = () => new CloudWatchLogsClient({ endpoint: emu.emu.controlUrl, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
  let distributionArn = "";
  let configDir = "";

  before(async () => {
    configDir = mkdtempSync(join(tmpdir(), "minifront-logs-cli-"));
    const out = await emu.cloudfront().send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "logs-api",
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } }, MinTTL: 0 },
        },
      }),
    );
    distributionArn = out.Distribution!.ARN!;
  });
  after(() => rmSync(configDir, { recursive: true, force: true }));

  it("puts, gets, describes and deletes a source, a destination and a delivery", async () => {
    const client = logs();
    const source = await client.send(new PutDeliverySourceCommand({ name: "cf-source", resourceArn: distributionArn, logType: "ACCESS_LOGS", tags: { team: "web" } }));
    assert.equal(source.deliverySource?.arn, `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-source:cf-source`);
    assert.deepEqual(source.deliverySource?.resourceArns, [distributionArn]);
    assert.equal(source.deliverySource?.service, "cloudfront");
    const got = await client.send(new GetDeliverySourceCommand({ name: "cf-source" }));
    assert.equal(got.deliverySource?.logType, "ACCESS_LOGS");

    const destination = await client.send(
      new PutDeliveryDestinationCommand({ name: "cf-bucket", outputFormat: "w3c", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::v2-logs/cloudfront" } }),
    );
    assert.equal(destination.deliveryDestination?.deliveryDestinationType, "S3");
    assert.equal(destination.deliveryDestination?.arn, `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-destination:cf-bucket`);
    const gotDestination = await client.send(new GetDeliveryDestinationCommand({ name: "cf-bucket" }));
    assert.equal(gotDestination.deliveryDestination?.outputFormat, "w3c");
    assert.equal(gotDestination.deliveryDestination?.deliveryDestinationConfiguration?.destinationResourceArn, "arn:aws:s3:::v2-logs/cloudfront");

    const created = await client.send(
      new CreateDeliveryCommand({
        deliverySourceName: "cf-source",
        deliveryDestinationArn: destination.deliveryDestination!.arn!,
        s3DeliveryConfiguration: { suffixPath: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}" },
      }),
    );
    const id = created.delivery!.id!;
    assert.match(id, /^[A-Za-z0-9]{16}$/);
    assert.equal(created.delivery?.arn, `arn:aws:logs:us-east-1:${ACCOUNT}:delivery:${id}`);
    // No recordFields: the legacy log's 33, in its order.
    assert.deepEqual(created.delivery?.recordFields, [...STANDARD_LOG_FIELDS]);
    const delivery = (await client.send(new GetDeliveryCommand({ id }))).delivery!;
    assert.equal(delivery.deliveryDestinationType, "S3");
    assert.deepEqual(delivery.s3DeliveryConfiguration, { suffixPath: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}" });
    assert.equal(delivery.fieldDelimiter, undefined);

    await client.send(new UpdateDeliveryConfigurationCommand({ id, recordFields: ["date", "time", "cs-uri-stem", "sc-status"], fieldDelimiter: "," }));
    const updated = (await client.send(new GetDeliveryCommand({ id }))).delivery!;
    assert.deepEqual(updated.recordFields, ["date", "time", "cs-uri-stem", "sc-status"]);
    assert.equal(updated.fieldDelimiter, ",");
    // Members left out of the update keep their values.
    assert.deepEqual(updated.s3DeliveryConfiguration, { suffixPath: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}" });

    assert.equal((await client.send(new DescribeDeliveriesCommand({}))).deliveries?.length, 1);
    assert.equal((await client.send(new DescribeDeliverySourcesCommand({ resourceArns: [distributionArn] }))).deliverySources?.length, 1);
    assert.equal((await client.send(new DescribeDeliveryDestinationsCommand({ names: ["cf-bucket"] }))).deliveryDestinations?.length, 1);

    // A source or destination with deliveries cannot go (API Reference: ConflictException).
    await expectServiceError(client.send(new DeleteDeliverySourceCommand({ name: "cf-source" })), 400, "ConflictException");
    await expectServiceError(client.send(new DeleteDeliveryDestinationCommand({ name: "cf-bucket" })), 400, "ConflictException");
    await client.send(new DeleteDeliveryCommand({ id }));
    await expectServiceError(client.send(new GetDeliveryCommand({ id })), 400, "ResourceNotFoundException");
    await expectServiceError(client.send(new DeleteDeliveryCommand({ id })), 400, "ResourceNotFoundException");
    await client.send(new DeleteDeliverySourceCommand({ name: "cf-source" }));
    await client.send(new DeleteDeliveryDestinationCommand({ name: "cf-bucket" }));
    await expectServiceError(client.send(new GetDeliverySourceCommand({ name: "cf-source" })), 400, "ResourceNotFoundException");
    await expectServiceError(client.send(new GetDeliveryDestinationCommand({ name: "cf-bucket" })), 400, "ResourceNotFoundException");
  });

  it("refuses what CloudWatch Logs refuses", async () => {
    const client = logs();
    // Names: 1-60 characters of [\w-].
    await expectServiceError(client.send(new PutDeliverySourceCommand({ name: "bad name!", resourceArn: distributionArn, logType: "ACCESS_LOGS" })), 400, "ValidationException");
    await expectServiceError(client.send(new PutDeliverySourceCommand({ name: "x".repeat(61), resourceArn: distributionArn, logType: "ACCESS_LOGS" })), 400, "ValidationException");
    // Only CloudFront distributions are sources here; CloudFront has ACCESS_LOGS only.
    await expectServiceError(client.send(new PutDeliverySourceCommand({ name: "s", resourceArn: "arn:aws:s3:::bucket", logType: "ACCESS_LOGS" })), 400, "ValidationException");
    await expectServiceError(client.send(new PutDeliverySourceCommand({ name: "s", resourceArn: distributionArn, logType: "APPLICATION_LOGS" })), 400, "ValidationException");
    await expectServiceError(
      client.send(new PutDeliverySourceCommand({ name: "s", resourceArn: `arn:aws:cloudfront::${ACCOUNT}:distribution/E0000000000000`, logType: "ACCESS_LOGS" })),
      400,
      "ResourceNotFoundException",
    );
    // A missing required member, from the model.
    await expectServiceError(client.send(new PutDeliverySourceCommand({ name: "s", resourceArn: distributionArn } as never)), 400, "ValidationException");
    await expectServiceError(
      client.send(new PutDeliveryDestinationCommand({ name: "d", outputFormat: "csv" as never, deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::log-bucket" } })),
      400,
      "ValidationException",
    );
    await expectServiceError(client.send(new PutDeliveryDestinationCommand({ name: "d", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:sqs:us-east-1:1:q" } })), 400, "ValidationException");

    await client.send(new PutDeliverySourceCommand({ name: "src", resourceArn: distributionArn, logType: "ACCESS_LOGS" }));
    // One source per resource and log type; a name keeps its resource.
    await expectServiceError(client.send(new PutDeliverySourceCommand({ name: "src2", resourceArn: distributionArn, logType: "ACCESS_LOGS" })), 400, "ConflictException");
    const dest = (await client.send(new PutDeliveryDestinationCommand({ name: "dst", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::log-bucket" } }))).deliveryDestination!;
    // outputFormat comes back only when it was given.
    assert.equal(dest.outputFormat, undefined);
    const other = (await client.send(new PutDeliveryDestinationCommand({ name: "dst2", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::log-bucket-2" } }))).deliveryDestination!;

    await expectServiceError(client.send(new CreateDeliveryCommand({ deliverySourceName: "nope", deliveryDestinationArn: dest.arn! })), 400, "ResourceNotFoundException");
    await expectServiceError(client.send(new CreateDeliveryCommand({ deliverySourceName: "src", deliveryDestinationArn: `${dest.arn!}x` })), 400, "ResourceNotFoundException");
    await expectServiceError(client.send(new CreateDeliveryCommand({ deliverySourceName: "src", deliveryDestinationArn: dest.arn!, recordFields: ["date", "no-such-field"] })), 400, "ValidationException");
    await expectServiceError(client.send(new CreateDeliveryCommand({ deliverySourceName: "src", deliveryDestinationArn: dest.arn!, fieldDelimiter: ";;" })), 400, "ValidationException");
    await expectServiceError(
      client.send(new CreateDeliveryCommand({ deliverySourceName: "src", deliveryDestinationArn: dest.arn!, s3DeliveryConfiguration: { suffixPath: "{Bucket}/{yyyy}" } })),
      400,
      "ValidationException",
    );
    // Hive-compatible paths write the key= parts themselves ("Provided suffixPath is invalid").
    await expectServiceError(
      client.send(new CreateDeliveryCommand({ deliverySourceName: "src", deliveryDestinationArn: dest.arn!, s3DeliveryConfiguration: { suffixPath: "year={yyyy}", enableHiveCompatiblePath: true } })),
      400,
      "ValidationException",
    );
    const delivery = (await client.send(new CreateDeliveryCommand({ deliverySourceName: "src", deliveryDestinationArn: dest.arn! }))).delivery!;
    // One delivery per source and destination type.
    await expectServiceError(client.send(new CreateDeliveryCommand({ deliverySourceName: "src", deliveryDestinationArn: other.arn! })), 400, "ConflictException");
    await expectServiceError(client.send(new UpdateDeliveryConfigurationCommand({ id: delivery.id!, recordFields: ["nope"] })), 400, "ValidationException");
    await expectServiceError(client.send(new UpdateDeliveryConfigurationCommand({ id: "AAAAAAAAAAAAAAAA" })), 400, "ResourceNotFoundException");
    await expectServiceError(client.send(new DescribeDeliveriesCommand({ limit: 51 })), 400, "ValidationException");

    // Operations of CloudWatch Logs minifront does not have answer with their name.
    const unsupported = await expectServiceError(client.send(new CreateLogGroupCommand({ logGroupName: "g" })), 400, "InvalidOperationException");
    assert.match(unsupported.message, /CreateLogGroup/);

    await client.send(new DeleteDeliveryCommand({ id: delivery.id! }));
    await client.send(new DeleteDeliverySourceCommand({ name: "src" }));
    await client.send(new DeleteDeliveryDestinationCommand({ name: "dst" }));
    await client.send(new DeleteDeliveryDestinationCommand({ name: "dst2" }));
  });

  it("tags delivery resources by ARN and pages Describe calls", async () => {
    const client = logs();
    const a = (await client.send(new PutDeliveryDestinationCommand({ name: "a", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::bucket-a" }, tags: { k1: "v1" } }))).deliveryDestination!;
    await client.send(new PutDeliveryDestinationCommand({ name: "b", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::bucket-b" } }));
    await client.send(new TagResourceCommand({ resourceArn: a.arn!, tags: { k2: "v2" } }));
    assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: a.arn! }))).tags, { k1: "v1", k2: "v2" });
    await client.send(new UntagResourceCommand({ resourceArn: a.arn!, tagKeys: ["k1"] }));
    assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: a.arn! }))).tags, { k2: "v2" });
    await expectServiceError(client.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:delivery:nope` })), 400, "ResourceNotFoundException");

    const first = await client.send(new DescribeDeliveryDestinationsCommand({ limit: 1 }));
    assert.equal(first.deliveryDestinations?.length, 1);
    assert.ok(first.nextToken);
    const second = await client.send(new DescribeDeliveryDestinationsCommand({ limit: 1, nextToken: first.nextToken }));
    assert.equal(second.deliveryDestinations?.length, 1);
    assert.notEqual(second.deliveryDestinations?.[0]?.name, first.deliveryDestinations?.[0]?.name);
    assert.equal(second.nextToken, undefined);
    await client.send(new DeleteDeliveryDestinationCommand({ name: "a" }));
    await client.send(new DeleteDeliveryDestinationCommand({ name: "b" }));
  });

  it("describes CloudFront's configuration template", async () => {
    const out = await logs().send(new DescribeConfigurationTemplatesCommand({ service: "cloudfront", deliveryDestinationTypes: ["S3"] }));
    const [template] = out.configurationTemplates ?? [];
    assert.equal(out.configurationTemplates?.length, 1);
    assert.equal(template?.logType, "ACCESS_LOGS");
    assert.ok(template?.allowedOutputFormats?.includes("parquet"));
    assert.ok(template?.allowedFields?.some((f) => f.name === "cs-uri-stem"));
    assert.ok(template?.allowedSuffixPathFields?.includes("DistributionId"));
  });

  it("answers the aws CLI v1", { skip: !awsCliAvailable() && AWS_CLI_MISSING }, async () => {
    const cli = { endpoint: emu.emu.controlUrl, configDir };
    const put = await runAws(["logs", "put-delivery-source", "--name", "cli-source", "--resource-arn", distributionArn, "--log-type", "ACCESS_LOGS"], cli);
    assert.equal(put.code, 0, put.stderr);
    assert.equal((JSON.parse(put.stdout) as { deliverySource: { name: string } }).deliverySource.name, "cli-source");
    const missing = await runAws(["logs", "get-delivery", "--id", "AAAAAAAAAAAAAAAA"], cli);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /ResourceNotFoundException/);
    const removed = await runAws(["logs", "delete-delivery-source", "--name", "cli-source"], cli);
    assert.equal(removed.code, 0, removed.stderr);
  });

  it("forgets everything on POST /_minifront/reset", async () => {
    const client = logs();
    await client.send(new PutDeliveryDestinationCommand({ name: "before-reset", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::log-bucket" } }));
    const reset = await fetch(`${emu.emu.controlUrl}/_minifront/reset`, { method: "POST" });
    assert.equal(reset.status, 200);
    await expectServiceError(client.send(new GetDeliveryDestinationCommand({ name: "before-reset" })), 400, "ResourceNotFoundException");
    assert.deepEqual((await client.send(new DescribeDeliveryDestinationsCommand({}))).deliveryDestinations, []);
  });
});
