import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CompiledDistribution, CompiledOrigin } from "./compile.ts";
import { createOriginOverrides, parseOriginOverrides } from "./origin-overrides.ts";

const s3Origin: CompiledOrigin = {
  id: "site",
  protocol: "http:",
  hostname: "127.0.0.1",
  port: 4566,
  httpsPort: 4566,
  pathPrefix: "/my-bucket",
  hostHeader: "127.0.0.1:4566",
  customHeaders: [["x-origin-secret", "s"]],
  connectionTimeoutMs: 10_000,
  readTimeoutMs: 30_000,
  connectionAttempts: 3,
  isS3: true,
  originShield: false,
  access: { kind: "oai", id: "E1" },
  domainName: "my-bucket.s3.us-east-1.amazonaws.com",
};
const dist = (id: string) => ({ id }) as CompiledDistribution;

describe("--origin: dev servers in place of origins", () => {
  it("parses [<distributionId>/]<originId>=<url> entries, comma-separated", () => {
    const [all, one] = parseOriginOverrides("site=http://localhost:5173, E123/api=https://[::1]:8443/v1");
    assert.deepEqual([all?.distributionId, all?.originId, all?.url.href], [undefined, "site", "http://localhost:5173/"]);
    assert.deepEqual([one?.distributionId, one?.originId, one?.url.href], ["E123", "api", "https://[::1]:8443/v1"]);
    assert.deepEqual(parseOriginOverrides(""), []);
  });

  for (const bad of ["http://localhost:5173", "site=", "=http://x", "site=ftp://x", "/site=http://x", "E1/=http://x", "site=not a url"]) {
    it(`refuses "${bad}"`, () => assert.throws(() => parseOriginOverrides(bad), /--origin takes/));
  }

  it("replaces where, the path prefix, Host and signing; keeps id, custom headers and timeouts", () => {
    const replace = createOriginOverrides(parseOriginOverrides("site=https://localhost:5173/base/"));
    const o = replace(dist("E1"), s3Origin);
    assert.deepEqual(
      { protocol: o.protocol, hostname: o.hostname, port: o.port, pathPrefix: o.pathPrefix, hostHeader: o.hostHeader, isS3: o.isS3, access: o.access },
      { protocol: "https:", hostname: "localhost", port: 5173, pathPrefix: "/base", hostHeader: "localhost:5173", isS3: false, access: undefined },
    );
    assert.deepEqual([o.id, o.customHeaders, o.readTimeoutMs, o.connectionAttempts], ["site", s3Origin.customHeaders, 30_000, 3]);
    assert.equal(replace(dist("E1"), s3Origin), o, "the same replacement for the same compiled origin");
  });

  it("defaults the port by scheme and keeps IPv6 literals bare for node:http", () => {
    const replace = createOriginOverrides(parseOriginOverrides("site=http://[::1]"));
    const o = replace(dist("E1"), s3Origin);
    assert.deepEqual([o.hostname, o.port, o.hostHeader, o.pathPrefix], ["::1", 80, "[::1]", ""]);
  });

  it("an entry for one distribution wins over one for all, and other origins and distributions are untouched", () => {
    const replace = createOriginOverrides(parseOriginOverrides("site=http://localhost:1111,E2/site=http://localhost:2222"));
    assert.equal(replace(dist("E1"), s3Origin).port, 1111);
    assert.equal(replace(dist("E2"), s3Origin).port, 2222);
    const other = { ...s3Origin, id: "other" };
    assert.equal(replace(dist("E1"), other), other);
    const onlyE2 = createOriginOverrides(parseOriginOverrides("E2/site=http://localhost:2222"));
    assert.equal(onlyE2(dist("E1"), s3Origin), s3Origin);
  });
});
