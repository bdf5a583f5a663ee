// The one port: health and reset endpoints (ours, LocalStack's, moto's), raw HTTP requests that
// real clients would not send, and the dispatch between API, S3 and edge traffic (issue 2).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { CreateDistributionCommand, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator.ts";

const CONFIG_XML = (ref: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>${ref}</CallerReference><Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id><DomainName>b.s3.amazonaws.com</DomainName><S3OriginConfig><OriginAccessIdentity/></S3OriginConfig></Origin></Items></Origins><DefaultCacheBehavior><TargetOriginId>o</TargetOriginId><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy><ForwardedValues><QueryString>false</QueryString><Cookies><Forward>none</Forward></Cookies></ForwardedValues></DefaultCacheBehavior><Comment/><Enabled>true</Enabled></DistributionConfig>`;

/** A raw HTTP request with an arbitrary Host header (fetch does not allow setting Host). */
function raw(url: string, opts: { method?: string; host?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? "GET", headers: { ...(opts.host ? { host: opts.host } : {}), ...opts.headers } },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("the one port", () => {
  const t = useEmulator({ maxApiBodyBytes: 64 * 1024 });

  it("answers health on /_minifront/health and LocalStack's /_localstack/health", async () => {
    const ours = await fetch(`${t.emu.controlUrl}/_minifront/health`);
    assert.equal(ours.status, 200);
    const body = (await ours.json()) as { status: string; services: Record<string, string> };
    assert.equal(body.status, "running");
    assert.equal(body.services["cloudfront"], "running");
    const ls = (await (await fetch(`${t.emu.controlUrl}/_localstack/health`)).json()) as { services: Record<string, string> };
    assert.equal(ls.services["cloudfront"], "running");
  });

  it("resets all state on POST /_minifront/reset and moto's POST /moto-api/reset", async () => {
    const cf = t.cloudfront();
    for (const [path, expected] of [["/_minifront/reset", "reset"], ["/moto-api/reset", "ok"]] as const) {
      await cf.send(new CreateDistributionCommand({ DistributionConfig: { CallerReference: `reset-${path}`, Comment: "", Enabled: true, Origins: { Quantity: 1, Items: [{ Id: "o", DomainName: "b.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] }, DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" } } }));
      assert.ok(((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Quantity ?? 0) > 0);
      const res = await fetch(`${t.emu.controlUrl}${path}`, { method: "POST" });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { status: string }).status, expected);
      assert.equal((await cf.send(new ListDistributionsCommand({}))).DistributionList?.Quantity, 0);
    }
  });

  it("serves unsigned CloudFront API calls under /2020-05-31/ with the AWS envelope", async () => {
    const res = await raw(`${t.emu.controlUrl}/2020-05-31/distribution/ENOSUCHTHING00`);
    assert.equal(res.status, 404);
    assert.match(res.body, /<ErrorResponse xmlns="http:\/\/cloudfront.amazonaws.com\/doc\/2020-05-31\/"><Error><Type>Sender<\/Type><Code>NoSuchDistribution<\/Code>/);
    assert.match(String(res.headers["x-amzn-requestid"]), /^[0-9a-f-]{36}$/);
  });

  it("creates from raw XML, and refuses malformed XML and an oversized body without changing state", async () => {
    const ok = await raw(`${t.emu.controlUrl}/2020-05-31/distribution`, { method: "POST", body: CONFIG_XML("raw-1") });
    assert.equal(ok.status, 201, ok.body);
    assert.match(ok.body, /^<\?xml version="1.0" encoding="UTF-8"\?><Distribution xmlns="http:\/\/cloudfront.amazonaws.com\/doc\/2020-05-31\/">/);
    const count = async () => (await t.cloudfront().send(new ListDistributionsCommand({}))).DistributionList?.Quantity;
    const before = await count();

    const bad = await raw(`${t.emu.controlUrl}/2020-05-31/distribution`, { method: "POST", body: CONFIG_XML("raw-2").slice(0, -10) });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /<Code>MalformedXML<\/Code>/);

    const big = await raw(`${t.emu.controlUrl}/2020-05-31/distribution`, { method: "POST", body: CONFIG_XML("raw-3").replace("<Comment/>", `<Comment>${"x".repeat(70 * 1024)}</Comment>`) });
    assert.equal(big.status, 413);
    assert.match(big.body, /<Code>EntitySizeLimitExceeded<\/Code>/);

    const empty = await raw(`${t.emu.controlUrl}/2020-05-31/distribution`, { method: "POST" });
    assert.equal(empty.status, 400);
    assert.match(empty.body, /<Code>MissingBody<\/Code>/);
    assert.equal(await count(), before);
  });

  it("sends a distribution's host to the edge and other traffic to S3", async () => {
    const created = await raw(`${t.emu.controlUrl}/2020-05-31/distribution`, { method: "POST", body: CONFIG_XML("edge-1") });
    const domain = /<DomainName>([^<]+\.cloudfront\.localhost)<\/DomainName>/.exec(created.body)?.[1];
    assert.ok(domain);
    const edge = await raw(`${t.emu.controlUrl}/index.html`, { host: `${domain}:${t.emu.port}` });
    assert.equal(edge.headers["x-cache"], "Error from cloudfront");
    const s3 = await raw(`${t.emu.controlUrl}/some-bucket/key`);
    assert.equal(s3.status, 404);
    assert.match(s3.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Error><Code>NoSuchBucket<\/Code>/);
  });
});
