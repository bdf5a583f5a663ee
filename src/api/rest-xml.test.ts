// Protocol tests with the AWS SDK as the oracle (docs/style.md "Tests"): the SDK client's real request
// goes through our router and parser into a handler, the handler's output goes through our
// serializer back into the SDK's parser. No sockets: a request handler bridges the two.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import {
  CloudFrontClient,
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateRealtimeLogConfigCommand,
  GetFunctionCommand,
  ListConnectionGroupsCommand,
  ListDistributionsByOwnedResourceCommand,
  ListDistributionsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCommand,
  CreateDistributionWithTagsCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
} from "@aws-sdk/client-cloudfront";
import { XMLValidator } from "fast-xml-parser";
import { cloudFrontModel, cloudFrontProfile } from "../services/cloudfront/index.ts";
import { createApiService, type HandlerTable } from "./service.ts";
import { ServiceError } from "./errors.ts";
import { serializeErrorResponse } from "./rest-xml.ts";
import { createLogger } from "../log.ts";

interface Captured {
  operation?: string;
  input?: Record<string, unknown>;
}

/** A CloudFront client whose transport is our protocol layer with the given handlers. */
function clientFor(handlers: HandlerTable<null>, captured: Captured): CloudFrontClient {
  const api = createApiService(cloudFrontModel(), wrap(handlers, captured), cloudFrontProfile(), createLogger("silent"));
  return new CloudFrontClient({
    region: "eu-central-1",
    endpoint: "http://localhost:4566",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
    requestHandler: {
      async handle(request: { method: string; path: string; query?: Record<string, string | string[] | null>; headers: Record<string, string>; body?: unknown }) {
        const query = new URLSearchParams();
        for (const [k, v] of Object.entries(request.query ?? {})) {
          for (const item of Array.isArray(v) ? v : [v]) query.append(k, item ?? "");
        }
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
        const body = Readable.from(request.body === undefined ? [] : [Buffer.from(request.body as string | Uint8Array)]);
        const out = await api.handle({ method: request.method, path: request.path, query, headers, body, requestId: "req-1", baseUrl: "http://localhost:4566" }, null);
        return {
          response: {
            statusCode: out.status,
            reason: "",
            headers: Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k.toLowerCase(), v])),
            body: Readable.from([Buffer.from(out.body as string | Uint8Array)]),
          },
        };
      },
    } as never,
  });
}

function wrap(handlers: HandlerTable<null>, captured: Captured): HandlerTable<null> {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, h]) => [
      name,
      (input: Record<string, unknown>, ctx: Parameters<typeof h>[1]) => {
        captured.operation = name;
        captured.input = input;
        return h(input, ctx);
      },
    ]),
  );
}

const MINIMAL_CONFIG = {
  CallerReference: "ref-1",
  Comment: "",
  Enabled: true,
  Origins: { Quantity: 1, Items: [{ Id: "o1", DomainName: "b.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
  DefaultCacheBehavior: { TargetOriginId: "o1", ViewerProtocolPolicy: "allow-all" as const, CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
};

describe("rest-xml round trips through the SDK", () => {
  it("CreateDistribution: payload in, payload plus ETag and Location headers out", async () => {
    const captured: Captured = {};
    const client = clientFor(
      {
        CreateDistribution: (input: { DistributionConfig: typeof MINIMAL_CONFIG }) => ({
          Distribution: {
            Id: "E123",
            ARN: "arn:aws:cloudfront::123456789012:distribution/E123",
            Status: "InProgress",
            LastModifiedTime: new Date("2025-01-02T03:04:05.678Z"),
            InProgressInvalidationBatches: 0,
            DomainName: "e123.cloudfront.localhost",
            ActiveTrustedSigners: { Enabled: false, Quantity: 0 },
            ActiveTrustedKeyGroups: { Enabled: false, Quantity: 0 },
            DistributionConfig: input.DistributionConfig,
          },
          ETag: "EETAG",
          Location: "http://localhost:4566/2020-05-31/distribution/E123",
        }),
      },
      captured,
    );
    const out = await client.send(new CreateDistributionCommand({ DistributionConfig: { ...MINIMAL_CONFIG, Comment: "a & <b> \"c\"" } }));
    assert.equal(captured.operation, "CreateDistribution");
    const cfg = (captured.input as { DistributionConfig: Record<string, unknown> }).DistributionConfig;
    assert.equal(cfg["CallerReference"], "ref-1");
    assert.equal(cfg["Enabled"], true);
    assert.equal(cfg["Comment"], 'a & <b> "c"');
    assert.deepEqual(cfg["Origins"], MINIMAL_CONFIG.Origins);
    assert.equal(out.ETag, "EETAG");
    assert.equal(out.Location, "http://localhost:4566/2020-05-31/distribution/E123");
    assert.equal(out.Distribution?.LastModifiedTime?.toISOString(), "2025-01-02T03:04:05.678Z");
    assert.equal(out.Distribution?.DistributionConfig?.Comment, 'a & <b> "c"');
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.equal(out.$metadata.requestId, "req-1");
  });

  it("routes ?WithTags and ?Operation=Tag|Untag to their own operations", async () => {
    const captured: Captured = {};
    const client = clientFor(
      {
        CreateDistributionWithTags: () => ({}),
        TagResource: () => ({}),
        UntagResource: () => ({}),
      },
      captured,
    );
    await client.send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: MINIMAL_CONFIG, Tags: { Items: [{ Key: "k", Value: "v" }] } } }));
    assert.equal(captured.operation, "CreateDistributionWithTags");
    assert.deepEqual((captured.input as { DistributionConfigWithTags: { Tags: unknown } }).DistributionConfigWithTags.Tags, { Items: [{ Key: "k", Value: "v" }] });

    await client.send(new TagResourceCommand({ Resource: "arn:aws:cloudfront::123456789012:distribution/E1", Tags: { Items: [{ Key: "a", Value: "" }] } }));
    assert.equal(captured.operation, "TagResource");
    assert.equal(captured.input?.["Resource"], "arn:aws:cloudfront::123456789012:distribution/E1");
    assert.deepEqual(captured.input?.["Tags"], { Items: [{ Key: "a", Value: "" }] });

    await client.send(new UntagResourceCommand({ Resource: "arn:x", TagKeys: { Items: ["a", "b"] } }));
    assert.equal(captured.operation, "UntagResource");
    assert.deepEqual(captured.input?.["TagKeys"], { Items: ["a", "b"] });
  });

  it("reads typed query members and percent-encoded labels", async () => {
    const captured: Captured = {};
    const client = clientFor(
      {
        ListDistributions: () => ({ DistributionList: { Marker: "", MaxItems: 5, IsTruncated: false, Quantity: 0 } }),
        ListDistributionsByOwnedResource: () => ({}),
      },
      captured,
    );
    const out = await client.send(new ListDistributionsCommand({ MaxItems: 5, Marker: "E1" }));
    assert.deepEqual(captured.input, { Marker: "E1", MaxItems: 5 });
    assert.equal(out.DistributionList?.MaxItems, 5);
    assert.equal(out.DistributionList?.Items, undefined);

    const arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1";
    await client.send(new ListDistributionsByOwnedResourceCommand({ ResourceArn: arn }));
    assert.equal((captured.input as Record<string, unknown> | undefined)?.["ResourceArn"], arn);
  });

  it("wrapper bodies with base64 blobs in, and the model's ETtag header out (docs/control-plane.md §3 quirk)", async () => {
    const captured: Captured = {};
    const code = new TextEncoder().encode("function handler(event) { return event.request; }");
    const client = clientFor(
      {
        CreateFunction: () => ({ ETag: "E1" }),
        UpdateFunction: () => ({ ETag: "E2" }),
        GetFunction: () => ({ FunctionCode: code, ETag: "E3", ContentType: "application/octet-stream" }),
      },
      captured,
    );
    await client.send(new CreateFunctionCommand({ Name: "f", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code }));
    assert.equal(captured.input?.["Name"], "f");
    assert.deepEqual(Buffer.from(captured.input?.["FunctionCode"] as Uint8Array), Buffer.from(code));

    const updated = await client.send(new UpdateFunctionCommand({ Name: "f", IfMatch: "E1", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: code }));
    assert.equal(captured.input?.["IfMatch"], "E1");
    assert.equal(updated.ETag, "E2");

    const got = await client.send(new GetFunctionCommand({ Name: "f", Stage: "LIVE" }));
    assert.equal(captured.input?.["Stage"], "LIVE");
    assert.deepEqual(Buffer.from(got.FunctionCode as Uint8Array), Buffer.from(code));
    assert.equal(got.ETag, "E3");
  });

  it("operations without a payload member answer in an <OpNameResult> wrapper", async () => {
    const captured: Captured = {};
    const client = clientFor(
      {
        CreateRealtimeLogConfig: () => ({ RealtimeLogConfig: { ARN: "arn:x", Name: "n", SamplingRate: 50, EndPoints: [], Fields: ["timestamp"] } }),
        ListConnectionGroups: () => ({ NextMarker: "m2", ConnectionGroups: [] }),
      },
      captured,
    );
    const out = await client.send(new CreateRealtimeLogConfigCommand({ Name: "n", SamplingRate: 50, EndPoints: [], Fields: ["timestamp"] }));
    assert.equal(out.RealtimeLogConfig?.SamplingRate, 50);
    assert.deepEqual(out.RealtimeLogConfig?.Fields, ["timestamp"]);
    assert.deepEqual(captured.input?.["Fields"], ["timestamp"]);

    const list = await client.send(new ListConnectionGroupsCommand({ Marker: "m1", MaxItems: 10 }));
    assert.deepEqual(captured.input, { Marker: "m1", MaxItems: 10 });
    assert.equal(list.NextMarker, "m2");
  });

  it("a ServiceError becomes an <ErrorResponse> that the SDK turns into the modelled exception", async () => {
    const client = clientFor(
      {
        GetDistribution: () => {
          throw new ServiceError("NoSuchDistribution", "The specified distribution does not exist: E404.");
        },
      },
      {},
    );
    await assert.rejects(client.send(new GetDistributionCommand({ Id: "E404" })), (err: Error & { $metadata: { httpStatusCode: number; requestId: string } }) => {
      assert.equal(err.name, "NoSuchDistribution");
      assert.equal(err.message, "The specified distribution does not exist: E404.");
      assert.equal(err.$metadata.httpStatusCode, 404);
      assert.equal(err.$metadata.requestId, "req-1");
      return true;
    });
  });

  it("operations without a handler answer UnsupportedOperation naming the operation", async () => {
    const client = clientFor({}, {});
    await assert.rejects(client.send(new GetDistributionCommand({ Id: "E1" })), (err: Error & { $metadata: { httpStatusCode: number } }) => {
      assert.equal(err.name, "UnsupportedOperation");
      assert.match(err.message, /GetDistribution/);
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  });
});

describe("rest-xml request errors", () => {
  const api = createApiService(cloudFrontModel(), { CreateDistribution: () => ({}), ListDistributions: () => ({}) }, cloudFrontProfile(), createLogger("silent"));
  const post = async (body: string) => {
    const out = await api.handle(
      { method: "POST", path: "/2020-05-31/distribution", query: new URLSearchParams(), headers: {}, body: Readable.from([Buffer.from(body)]), requestId: "r", baseUrl: "http://localhost" },
      null,
    );
    const text = Buffer.from(out.body as string | Uint8Array).toString();
    return { status: out.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], text };
  };
  const NS = 'xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"';
  const config = (inner: string) =>
    `<DistributionConfig ${NS}><CallerReference>r</CallerReference><Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id><DomainName>b.s3.amazonaws.com</DomainName><S3OriginConfig><OriginAccessIdentity/></S3OriginConfig></Origin></Items></Origins><DefaultCacheBehavior><TargetOriginId>o</TargetOriginId><ViewerProtocolPolicy>allow-all</ViewerProtocolPolicy></DefaultCacheBehavior><Comment/>${inner}</DistributionConfig>`;

  const cases: Array<[string, string, number, string]> = [
    ["unparsable XML", "<DistributionConfig><CallerReference>", 400, "MalformedXML"],
    ["mismatched tags", `<DistributionConfig ${NS}><Comment></Enabled></DistributionConfig>`, 400, "MalformedXML"],
    ["two root elements", `${config("<Enabled>true</Enabled>")}<Extra/>`, 400, "MalformedXML"],
    ["a DTD (no entity expansion)", `<!DOCTYPE x [<!ENTITY a "${"b".repeat(10)}">]>${config("<Enabled>&a;</Enabled>")}`, 400, "MalformedXML"],
    ["an unknown entity", config("<Enabled>&bogus;</Enabled>"), 400, "MalformedXML"],
    ["the wrong root element", `<InvalidationBatch ${NS}/>`, 400, "InvalidArgument"],
    ["a boolean that is not true/false", config("<Enabled>yes</Enabled>"), 400, "InvalidArgument"],
    ["a missing required member", config(""), 400, "InvalidArgument"],
    ["Quantity disagreeing with Items", config("<Enabled>true</Enabled>").replace("<Quantity>1</Quantity>", "<Quantity>2</Quantity>"), 400, "InconsistentQuantities"],
    ["an empty body", "", 400, "MissingBody"],
    // Issue #11: characters XML 1.0 cannot carry are CloudFront's InvalidArgument, raw or as a
    // reference; what the old parser threw as plain Errors (500) is MalformedXML.
    ["a control character in Comment", config("<Enabled>true</Enabled>").replace("<Comment/>", "<Comment>a\u0001b</Comment>"), 400, "InvalidArgument"],
    ["&#1; in Comment", config("<Enabled>true</Enabled>").replace("<Comment/>", "<Comment>&#1;</Comment>"), 400, "InvalidArgument"],
    ["nesting over 100 levels", config(`${"<X>".repeat(101)}${"</X>".repeat(101)}<Enabled>true</Enabled>`), 400, "MalformedXML"],
    ["an element named __proto__", config("<__proto__><Enabled>true</Enabled></__proto__><Enabled>true</Enabled>"), 400, "MalformedXML"],
    ["an element named constructor", config("<constructor/><Enabled>true</Enabled>"), 400, "MalformedXML"],
    ["an element named prototype", config("<prototype/><Enabled>true</Enabled>"), 400, "MalformedXML"],
    ["an unterminated quote in the XML declaration", `<?xml version="1.0 encoding="UTF-8"?>${config("<Enabled>true</Enabled>")}`, 400, "MalformedXML"],
  ];
  for (const [what, body, status, code] of cases) {
    it(`rejects ${what} with ${code}`, async () => {
      const res = await post(body);
      assert.equal(res.code, code, res.text);
      assert.equal(res.status, status);
    });
  }

  it("decodes character references and keeps leading zeros as text", async () => {
    let seen: Record<string, unknown> | undefined;
    const echo = createApiService(cloudFrontModel(), { CreateDistribution: (i: Record<string, unknown>) => ((seen = i), {}) }, cloudFrontProfile(), createLogger("silent"));
    const body = config("<Enabled>true</Enabled>").replace("<CallerReference>r</CallerReference>", "<CallerReference>0123 &#65;&#x42;&amp;</CallerReference>");
    const out = await echo.handle({ method: "POST", path: "/2020-05-31/distribution", query: new URLSearchParams(), headers: {}, body: Readable.from([Buffer.from(body)]), requestId: "r", baseUrl: "" }, null);
    assert.equal(out.status, 201);
    assert.equal((seen?.["DistributionConfig"] as { CallerReference: string }).CallerReference, "0123 AB&");
  });

  it("answers a non-UTF-8 body with MalformedXML", async () => {
    const body = Buffer.concat([Buffer.from(config("<Enabled>true</Enabled>").replace("<Comment/>", "<Comment>")), Buffer.from([0xff, 0xfe]), Buffer.from("</Comment>")]);
    const out = await api.handle({ method: "POST", path: "/2020-05-31/distribution", query: new URLSearchParams(), headers: {}, body: Readable.from([body]), requestId: "r", baseUrl: "" }, null);
    assert.equal(out.status, 400);
    assert.match(String(out.body), /<Code>MalformedXML<\/Code>.*UTF-8/);
  });

  it("rejects a query member of the wrong type", async () => {
    const out = await api.handle({ method: "GET", path: "/2020-05-31/distribution", query: new URLSearchParams("MaxItems=ten"), headers: {}, body: Readable.from([]), requestId: "r", baseUrl: "" }, null);
    assert.equal(out.status, 400);
    assert.match(Buffer.from(out.body as string | Uint8Array).toString(), /<Code>InvalidArgument<\/Code>.*MaxItems/);
  });

  it("answers a path that no operation has with an AWS-shaped error", async () => {
    const out = await api.handle({ method: "GET", path: "/2020-05-31/nothing-here", query: new URLSearchParams(), headers: {}, body: Readable.from([]), requestId: "r", baseUrl: "" }, null);
    assert.equal(out.status, 400);
    assert.match(Buffer.from(out.body as string | Uint8Array).toString(), /<ErrorResponse xmlns="http:\/\/cloudfront.amazonaws.com\/doc\/2020-05-31\/"><Error><Type>Sender<\/Type>/);
  });
});

describe("rest-xml responses are well-formed XML 1.0 whatever they echo (issue #11)", () => {
  const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
  const wellFormed = (body: unknown) => {
    const text = Buffer.from(body as string | Uint8Array).toString();
    assert.equal(XMLValidator.validate(text), true, text);
    assert.doesNotMatch(text, FORBIDDEN);
    return text;
  };

  it("escapes an error message that quotes hostile input, and replaces what XML cannot carry", () => {
    const err = new ServiceError("NoSuchDistribution", "The specified distribution does not exist: <E1>&\u0001\u0000\ud800]]>.");
    const text = wellFormed(serializeErrorResponse(cloudFrontModel(), err, "r").body);
    assert.match(text, /does not exist: &#60;E1&#62;&#38;\uFFFD\uFFFD\uFFFD\]\]&#62;\./);
  });

  it("a stored Comment with U+0001 (written before such input was refused) lists as U+FFFD, and the SDK reads the list", async () => {
    const client = clientFor(
      {
        GetDistributionConfig: () => ({ DistributionConfig: { ...MINIMAL_CONFIG, Comment: "old\u0001data\u001f" }, ETag: "E1" }),
      },
      {},
    );
    const out = await client.send(new GetDistributionConfigCommand({ Id: "E1" }));
    assert.equal(out.DistributionConfig?.Comment, "old\uFFFDdata\uFFFD");
  });

  it("the raw body of such an answer is well-formed", async () => {
    const api = createApiService(
      cloudFrontModel(),
      { GetDistributionConfig: () => ({ DistributionConfig: { ...MINIMAL_CONFIG, Comment: "a\u0001<b>" }, ETag: "E1" }) },
      cloudFrontProfile(),
      createLogger("silent"),
    );
    const out = await api.handle({ method: "GET", path: "/2020-05-31/distribution/E1/config", query: new URLSearchParams(), headers: {}, body: Readable.from([]), requestId: "r", baseUrl: "" }, null);
    assert.equal(out.status, 200);
    assert.match(wellFormed(out.body), /<Comment>a\uFFFD&lt;b&gt;<\/Comment>/);
  });
});
