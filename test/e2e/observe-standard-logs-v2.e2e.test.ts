// Standard logging (v2), end to end (issue 15; CloudFront Developer Guide, "Configure standard
// logging (v2)"): a delivery source for a distribution, S3 delivery destinations in json, w3c and
// parquet, deliveries with chosen record fields and suffix paths; curl requests through the edge,
// a flush, and the files appear in the embedded S3 under the destination prefix and rendered suffix
// path (Hive-compatible for one), one record per request with the chosen fields. The deliveries
// are kept in the data directory and deliver after a restart before any logs API call.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { CreateDistributionCommand } from "@aws-sdk/client-cloudfront";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { CloudWatchLogsClient, CreateDeliveryCommand, PutDeliveryDestinationCommand, PutDeliverySourceCommand } from "@aws-sdk/client-cloudwatch-logs";
import { parquetReadObjects } from "hyparquet";
import { CREDENTIALS, cloudFrontClient, useEmulator } from "../helpers/emulator.ts";
import { startEmulator } from "../../src/index.ts";
import { hasCurl } from "../helpers/curl.ts";
import { sendToEdge, TestOrigin } from "../helpers/test-origin.ts";

const ACCOUNT = "123456789012";
const origin = new TestOrigin();
before(() => origin.start());
after(() => origin.close());

describe("standard logging (v2) delivery to S3", { skip: !hasCurl() && "curl is not installed" }, () => {
  const emu = useEmulator({ accountId: ACCOUNT });
  const s3 = () => new S3Client({ endpoint: emu.emu.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true });
  const logs = () => new CloudWatchLogsClient({ endpoint: emu.emu.controlUrl, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });

  async function distribution(name: string): Promise<{ id: string; arn: string; domain: string }> {
    const out = await emu.cloudfront().send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: name,
          Comment: "",
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: true, Cookies: { Forward: "none" } }, MinTTL: 0 },
        },
      }),
    );
    return { id: out.Distribution!.Id!, arn: out.Distribution!.ARN!, domain: out.Distribution!.DomainName! };
  }

  async function curl(domain: string, path: string, ...extra: string[]): Promise<void> {
    await promisify(execFile)("curl", ["-s", "-o", "/dev/null", "--resolve", `${domain}:${emu.emu.port}:127.0.0.1`, ...extra, `http://${domain}:${emu.emu.port}${path}`]);
  }

  async function objects(bucket: string): Promise<Array<{ key: string; body: Buffer }>> {
    const listed = await s3().send(new ListObjectsV2Command({ Bucket: bucket }));
    const out = [];
    for (const { Key } of listed.Contents ?? []) {
      const got = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: Key! }));
      out.push({ key: Key!, body: Buffer.from(await got.Body!.transformToByteArray()) });
    }
    return out;
  }

  async function flush(): Promise<void> {
    const res = await fetch(`${emu.emu.controlUrl}/_minifront/logs/flush`, { method: "POST" });
    assert.equal(res.status, 200);
  }

  it("writes json records with the chosen fields under the destination prefix and suffix path", async () => {
    origin.on("/page.html", { headers: { "content-type": "text/html", "cache-control": "max-age=60" }, body: "<p>hi</p>" });
    await s3().send(new CreateBucketCommand({ Bucket: "v2-json" }));
    const d = await distribution("v2-json");
    const client = logs();
    await client.send(new PutDeliverySourceCommand({ name: "json-source", resourceArn: d.arn, logType: "ACCESS_LOGS" }));
    const dest = await client.send(new PutDeliveryDestinationCommand({ name: "json-dest", outputFormat: "json", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::v2-json/cf" } }));
    await client.send(
      new CreateDeliveryCommand({
        deliverySourceName: "json-source",
        deliveryDestinationArn: dest.deliveryDestination!.arn!,
        recordFields: ["timestamp(ms)", "DistributionId", "cs-method", "cs-uri-stem", "cs-uri-query", "sc-status", "x-edge-result-type", "cs(User-Agent)"],
        s3DeliveryConfiguration: { suffixPath: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}" },
      }),
    );

    await curl(d.domain, "/page.html?x=1", "-A", "curl test");
    await curl(d.domain, "/page.html?x=1", "-A", "curl test");
    await flush();

    const files = await objects("v2-json");
    assert.equal(files.length, 1, `one file: ${files.map((f) => f.key).join(", ")}`);
    const [file] = files;
    // <prefix>/<DistributionId>/<yyyy>/<MM>/<dd>/<HH>/<DistributionId>.<yyyy-MM-dd-HH>.<unique>.gz
    assert.match(file!.key, new RegExp(`^cf/${d.id}/\\d{4}/\\d\\d/\\d\\d/\\d\\d/${d.id}\\.\\d{4}-\\d\\d-\\d\\d-\\d\\d\\.[0-9a-f]+\\.gz$`));
    const records = gunzipSync(file!.body)
      .toString("utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, string>);
    assert.equal(records.length, 2);
    assert.deepEqual(Object.keys(records[0]!), ["timestamp(ms)", "DistributionId", "cs-method", "cs-uri-stem", "cs-uri-query", "sc-status", "x-edge-result-type", "cs(User-Agent)"]);
    assert.equal(records[0]!["DistributionId"], d.id);
    assert.equal(records[0]!["cs-method"], "GET");
    assert.equal(records[0]!["cs-uri-stem"], "/page.html");
    assert.equal(records[0]!["cs-uri-query"], "x=1");
    assert.equal(records[0]!["sc-status"], "200");
    assert.equal(records[0]!["cs(User-Agent)"], "curl%20test");
    assert.deepEqual(records.map((r) => r["x-edge-result-type"]), ["Miss", "Hit"]);
    assert.match(records[0]!["timestamp(ms)"]!, /^\d{13}$/);
  });

  it("writes w3c files with a #Fields header and the delimiter, under AWSLogs/ Hive-compatible keys for a bare bucket", async () => {
    origin.on("/w3c.txt", { headers: { "content-type": "text/plain" }, body: "w3c" });
    origin.on("/missing", { status: 404, headers: { "content-type": "text/plain" }, body: "no" });
    await s3().send(new CreateBucketCommand({ Bucket: "v2-w3c" }));
    const d = await distribution("v2-w3c");
    const client = logs();
    await client.send(new PutDeliverySourceCommand({ name: "w3c-source", resourceArn: d.arn, logType: "ACCESS_LOGS" }));
    const dest = await client.send(new PutDeliveryDestinationCommand({ name: "w3c-dest", outputFormat: "w3c", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::v2-w3c" } }));
    await client.send(
      new CreateDeliveryCommand({
        deliverySourceName: "w3c-source",
        deliveryDestinationArn: dest.deliveryDestination!.arn!,
        recordFields: ["date", "time", "cs-uri-stem", "sc-status", "c-ip"],
        fieldDelimiter: "|",
        s3DeliveryConfiguration: { suffixPath: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}", enableHiveCompatiblePath: true },
      }),
    );

    await curl(d.domain, "/w3c.txt");
    await curl(d.domain, "/missing");
    await flush();

    const [file, extra] = await objects("v2-w3c");
    assert.equal(extra, undefined);
    assert.match(file!.key, new RegExp(`^AWSLogs/aws-account-id=${ACCOUNT}/CloudFront/DistributionId=${d.id}/year=\\d{4}/month=\\d\\d/day=\\d\\d/hour=\\d\\d/${d.id}\\.[-0-9]+\\.[0-9a-f]+\\.gz$`));
    const lines = gunzipSync(file!.body).toString("utf8").trim().split("\n");
    assert.equal(lines[0], "#Version: 1.0");
    assert.equal(lines[1], "#Fields: date time cs-uri-stem sc-status c-ip");
    const rows = lines.slice(2).map((l) => l.split("|"));
    assert.deepEqual(
      rows.map((r) => [r[2], r[3], r[4]]),
      [
        ["/w3c.txt", "200", "127.0.0.1"],
        ["/missing", "404", "127.0.0.1"],
      ],
    );
    assert.match(rows[0]![0]!, /^\d{4}-\d\d-\d\d$/);
  });

  it("writes parquet files with one string column per field", async () => {
    origin.on("/p.txt", { headers: { "content-type": "text/plain" }, body: "p" });
    await s3().send(new CreateBucketCommand({ Bucket: "v2-parquet" }));
    const d = await distribution("v2-parquet");
    const client = logs();
    await client.send(new PutDeliverySourceCommand({ name: "pq-source", resourceArn: d.arn, logType: "ACCESS_LOGS" }));
    const dest = await client.send(new PutDeliveryDestinationCommand({ name: "pq-dest", outputFormat: "parquet", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::v2-parquet/pq/" } }));
    await client.send(new CreateDeliveryCommand({ deliverySourceName: "pq-source", deliveryDestinationArn: dest.deliveryDestination!.arn!, recordFields: ["cs-uri-stem", "sc-status"] }));

    await curl(d.domain, "/p.txt");
    await flush();

    const [file] = await objects("v2-parquet");
    assert.match(file!.key, new RegExp(`^pq/${d.id}\\.[-0-9]+\\.[0-9a-f]+\\.parquet$`));
    const buffer = file!.body.buffer.slice(file!.body.byteOffset, file!.body.byteOffset + file!.body.byteLength);
    const rows = await parquetReadObjects({ file: buffer as ArrayBuffer });
    assert.deepEqual(rows, [{ "cs-uri-stem": "/p.txt", "sc-status": "200" }]);
  });
});

describe("standard logging (v2) across a restart", () => {
  it("keeps sources, destinations and deliveries in the data directory and delivers before any logs API call", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "minifront-v2-restart-"));
    try {
      const first = await startEmulator({ port: 0, dataDir, logLevel: "warn", accountId: ACCOUNT });
      let domain = "";
      try {
        const cf = cloudFrontClient(first.controlUrl);
        const out = await cf.send(
          new CreateDistributionCommand({
            DistributionConfig: {
              CallerReference: "restart",
              Comment: "",
              Enabled: true,
              Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] },
              DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } }, MinTTL: 0 },
            },
          }),
        );
        domain = out.Distribution!.DomainName!;
        const client = new CloudWatchLogsClient({ endpoint: first.controlUrl, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
        await client.send(new PutDeliverySourceCommand({ name: "kept", resourceArn: out.Distribution!.ARN!, logType: "ACCESS_LOGS" }));
        const dest = await client.send(new PutDeliveryDestinationCommand({ name: "kept", outputFormat: "plain", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::v2-restart/after" } }));
        await client.send(new CreateDeliveryCommand({ deliverySourceName: "kept", deliveryDestinationArn: dest.deliveryDestination!.arn!, recordFields: ["cs-uri-stem", "sc-status"] }));
        await new S3Client({ endpoint: first.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: "v2-restart" }));
      } finally {
        await first.dispose();
      }

      const second = await startEmulator({ port: 0, dataDir, logLevel: "warn", accountId: ACCOUNT });
      try {
        origin.on("/after.txt", { headers: { "content-type": "text/plain" }, body: "after" });
        const res = await sendToEdge(second.port, domain, "/after.txt");
        assert.equal(res.status, 200);
        await second.flushLogs();
        const s3 = new S3Client({ endpoint: second.s3Url, region: "us-east-1", credentials: CREDENTIALS, forcePathStyle: true });
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: "v2-restart", Prefix: "after/" }));
        assert.equal(listed.Contents?.length, 1);
        const got = await s3.send(new GetObjectCommand({ Bucket: "v2-restart", Key: listed.Contents![0]!.Key! }));
        assert.equal(gunzipSync(Buffer.from(await got.Body!.transformToByteArray())).toString(), "/after.txt\t200\n");
      } finally {
        await second.dispose();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
