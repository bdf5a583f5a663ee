// A hostile CloudFront Function costs only its own requests (issue #12): functions run on the
// edge's own thread once they have shown their requests are short, so a function that turns
// hostile there must be stopped there and finished in the worker thread, while every other
// distribution keeps being served. The hostile code is the hardest kind for the edge's thread: a
// loop of a heavy built-in (`toUpperCase` of a long string), which QuickJS's interrupt handler
// reaches only every few thousand calls. Through the real edge: functions created and published
// with @aws-sdk/client-cloudfront, requests over HTTP.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CreateDistributionCommand, CreateFunctionCommand, DescribeFunctionCommand, PublishFunctionCommand, type CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { useEmulator } from "../helpers/emulator.ts";
import { TestOrigin, header, sendToEdge, type EdgeResponse } from "../helpers/test-origin.ts";

const list = <T>(items: readonly T[]) => ({ Quantity: items.length, Items: [...items] });
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
/** Enough good requests for a function version to move to the edge's thread (probationRuns is 16). */
const PAST_PROBATION = 24;
const HEAVY_LOOP = `var s = 'x'.repeat(50000); for (;;) s.toUpperCase();`;

describe("a hostile CloudFront Function costs only its own requests", () => {
  const t = useEmulator();
  const origin = new TestOrigin();
  let cf: CloudFrontClient | undefined;
  let refs = 0;
  before(async () => {
    await origin.start();
    cf = t.cloudfront();
  });
  after(async () => {
    cf?.destroy();
    await origin.close();
  });

  async function publish(name: string, code: string): Promise<string> {
    const client = cf as CloudFrontClient;
    await client.send(new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: new TextEncoder().encode(code) }));
    const etag = (await client.send(new DescribeFunctionCommand({ Name: name }))).ETag as string;
    return (await client.send(new PublishFunctionCommand({ Name: name, IfMatch: etag }))).FunctionSummary?.FunctionMetadata?.FunctionARN as string;
  }

  async function distribution(viewerRequest?: string): Promise<(path: string) => Promise<EdgeResponse>> {
    const out = await (cf as CloudFrontClient).send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: `isolation-${++refs}`,
          Comment: "",
          Enabled: true,
          Origins: list([{ Id: "o", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: origin.port, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }]),
          DefaultCacheBehavior: {
            TargetOriginId: "o",
            ViewerProtocolPolicy: "allow-all",
            CachePolicyId: CACHING_DISABLED,
            FunctionAssociations: list(viewerRequest ? [{ EventType: "viewer-request" as const, FunctionARN: viewerRequest }] : []),
          },
        },
      }),
    );
    const host = `${out.Distribution?.DomainName as string}:${t.emu.port}`;
    return (path) => sendToEdge(t.emu.port, host, path);
  }

  /**
   * Sends the hostile request, then `count` requests to another distribution one after another;
   * returns the hostile response and the order in which responses arrived.
   */
  async function alongside(hostile: () => Promise<EdgeResponse>, other: (path: string) => Promise<EdgeResponse>, count: number) {
    const order: string[] = [];
    const pending = hostile().then((res) => {
      order.push("hostile");
      return res;
    });
    for (let i = 0; i < count; i++) {
      const res = await other(`/other/${i}`);
      assert.equal(res.status, 200);
      assert.equal(res.body, `origin /other/${i}`);
      order.push("other");
    }
    return { res: await pending, order };
  }

  it("a function that is hostile from its first request: the other distribution is served while it runs", async () => {
    const spin = await distribution(await publish("spin-always", `function handler(event) { ${HEAVY_LOOP} }`));
    const other = await distribution();
    const { res, order } = await alongside(() => spin("/spin"), other, 10);
    assert.equal(res.status, 503);
    assert.equal(header(res, "x-cache"), "FunctionThrottledError from cloudfront");
    assert.deepEqual(order, [...Array<string>(10).fill("other"), "hostile"], "every other request was answered while the function ran");
    assert.equal(origin.hits("/spin"), 0);
  });

  it("a function that turns hostile on the edge's thread after its probation: stopped there, finished in the worker, the rest unharmed", async () => {
    const turns = await distribution(await publish("spin-later", `function handler(event) { if (event.request.uri === '/spin') { ${HEAVY_LOOP} } return event.request; }`));
    const other = await distribution(await publish("healthy", `async function handler(event) { return event.request; }`));
    for (let i = 0; i < PAST_PROBATION; i++) {
      assert.equal((await turns(`/warm/${i}`)).status, 200);
      assert.equal((await other(`/warm/${i}`)).status, 200);
    }
    const { res, order } = await alongside(() => turns("/spin"), other, 10);
    assert.equal(res.status, 503);
    assert.equal(header(res, "x-cache"), "FunctionThrottledError from cloudfront");
    assert.deepEqual(order, [...Array<string>(10).fill("other"), "hostile"], "every other request was answered while the function ran");
    // The same function still answers its good requests, and so does everything else.
    assert.equal((await turns("/after")).body, "origin /after");
    assert.equal((await other("/after")).body, "origin /after");
    // A runaway JavaScript loop and a memory bomb behave the same way.
    for (const [name, code] of [
      ["loop", `while (true) {}`],
      ["bomb", `var a = []; for (;;) a.push('x'.repeat(100000) + a.length);`],
    ] as const) {
      const d = await distribution(await publish(`later-${name}`, `function handler(event) { if (event.request.uri === '/${name}') { ${code} } return event.request; }`));
      for (let i = 0; i < PAST_PROBATION; i++) assert.equal((await d(`/warm/${i}`)).status, 200);
      const bad = await d(`/${name}`);
      assert.equal(bad.status, 503, name);
      assert.match(header(bad, "x-cache") ?? "", /^Function(Throttled|Execution)Error from cloudfront$/, name);
      assert.equal((await other(`/after-${name}`)).status, 200, name);
      assert.equal((await d(`/after-${name}`)).status, 200, name);
    }
  });
});
