// Signed URL and cookie verification (docs/signed-urls.md) against the real signers:
// @aws-sdk/cloudfront-signer for URLs and cookies (RSA and ECDSA, SHA-1 and SHA-256), and
// `aws cloudfront sign` (botocore's CloudFrontSigner) when the CLI is installed.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getSignedCookies, getSignedUrl } from "@aws-sdk/cloudfront-signer";
import { AWS_CLI_MISSING, awsCliAvailable, runAws } from "../../../test/helpers/aws-cli.ts";
import { decodeCloudFrontBase64, verifySignedRequest, type SignedRequestResult } from "./signed-request.ts";
import { matchesResource } from "./signed-resource.ts";

function keyPair(type: "rsa" | "ec") {
  const kp = type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    privateKey: kp.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    /** PKCS#1, the only form AWS CLI v1's `sign` reads. */
    rsaPrivateKey: type === "rsa" ? (kp.privateKey.export({ type: "pkcs1", format: "pem" }) as string) : "",
    publicKey: kp.publicKey.export({ type: "spki", format: "pem" }) as string,
  };
}

const RSA = keyPair("rsa");
const EC = keyPair("ec");
const OTHER = keyPair("rsa");
const KEYS = new Map([
  ["K2JCJMDEHXQW5F", RSA.publicKey],
  ["K3ECDSAP256KEY", EC.publicKey],
]);
const RSA_ID = "K2JCJMDEHXQW5F";
const EC_ID = "K3ECDSAP256KEY";

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const HOUR = 3600_000;
const HOST = "d111111abcdef8.cloudfront.net";

interface Viewer {
  readonly cookies?: Record<string, string | number | undefined>;
  readonly ip?: string;
  readonly now?: number;
  readonly hostOverride?: string;
}

/** Sends a signed URL (as a viewer would request it) through the verifier. */
function check(url: string, viewer: Viewer = {}): SignedRequestResult {
  const m = /^(https?):\/\/([^/]+)([^?]*)(?:\?(.*))?$/.exec(url) ?? assert.fail(`not a URL: ${url}`);
  const cookieHeader = viewer.cookies
    ? Object.entries(viewer.cookies)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${v}`)
        .join("; ")
    : undefined;
  return verifySignedRequest({
    scheme: m[1] as "http" | "https",
    host: viewer.hostOverride ?? (m[2] as string),
    path: m[3] as string,
    rawQuery: m[4] ?? "",
    cookieHeader,
    viewerIp: viewer.ip ?? "192.0.2.10",
    now: viewer.now ?? NOW,
    publicKey: (id) => KEYS.get(id),
  });
}

function expectOk(result: SignedRequestResult): Extract<SignedRequestResult, { ok: true }> {
  if (!result.ok) assert.fail(`refused: ${result.code} (${result.reason})`);
  return result;
}

function expectRefused(result: SignedRequestResult, code: string): void {
  assert.equal(result.ok, false, "the request was accepted");
  if (result.ok) return;
  assert.equal(result.status, 403);
  assert.equal(result.code, code, result.reason);
  assert.equal(result.contentType, "text/xml");
  assert.match(result.body, new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?><Error><Code>${code}</Code><Message>[^<]+</Message></Error>$`));
}

const canned = (url: string, o: { key?: typeof RSA; id?: string; expires?: number; algorithm?: "SHA1" | "SHA256" } = {}) =>
  getSignedUrl({ url, keyPairId: o.id ?? RSA_ID, privateKey: (o.key ?? RSA).privateKey, dateLessThan: new Date(o.expires ?? NOW + HOUR), ...(o.algorithm ? { algorithm: o.algorithm } : {}) });

/** A custom-policy URL for `url` whose policy is `policy` (a JSON string). */
const custom = (url: string, policy: object, o: { key?: typeof RSA; id?: string; algorithm?: "SHA1" | "SHA256" } = {}) =>
  getSignedUrl({ url, keyPairId: o.id ?? RSA_ID, privateKey: (o.key ?? RSA).privateKey, policy: JSON.stringify(policy), ...(o.algorithm ? { algorithm: o.algorithm } : {}) });

const epoch = (ms: number) => Math.floor(ms / 1000);
const statement = (resource: string | undefined, condition: object) => ({ Statement: [{ ...(resource !== undefined ? { Resource: resource } : {}), Condition: condition }] });

describe("signed URLs with a canned policy (docs/signed-urls.md §2, §4, §5)", () => {
  const cases: Array<[string, typeof RSA, string, "SHA1" | "SHA256" | undefined]> = [
    ["RSA, SHA-1 (the default)", RSA, RSA_ID, undefined],
    ["RSA, SHA-256 via Hash-Algorithm", RSA, RSA_ID, "SHA256"],
    ["ECDSA P-256, SHA-1", EC, EC_ID, undefined],
    ["ECDSA P-256, SHA-256", EC, EC_ID, "SHA256"],
  ];
  for (const [what, key, id, algorithm] of cases) {
    it(`accepts a URL signed by @aws-sdk/cloudfront-signer: ${what}`, () => {
      const url = canned(`https://${HOST}/videos/a.mp4?quality=hd&lang=en`, { key, id, ...(algorithm ? { algorithm } : {}) });
      const ok = expectOk(check(url));
      assert.equal(ok.source, "url");
      assert.equal(ok.policy, "canned");
      assert.equal(ok.keyPairId, id);
      assert.equal(ok.hashAlgorithm, algorithm ?? "SHA1");
      assert.equal(ok.query, "quality=hd&lang=en", "signing parameters are stripped, the viewer's own kept in order");
    });
  }

  it("accepts a URL without query parameters of its own; the stripped query is empty", () => {
    assert.equal(expectOk(check(canned(`https://${HOST}/a.txt`))).query, "");
  });

  it("is valid until just before Expires (DateLessThan is exclusive)", () => {
    const expires = NOW + HOUR;
    const url = canned(`https://${HOST}/a.txt`, { expires });
    expectOk(check(url, { now: expires - 1 }));
    expectRefused(check(url, { now: expires }), "AccessDenied");
    expectRefused(check(url, { now: expires + HOUR }), "AccessDenied");
  });

  it("refuses a tampered URL: another path, another host, another scheme, a changed or added query parameter", () => {
    const url = canned(`https://${HOST}/private/a.txt?v=1`);
    expectOk(check(url));
    expectRefused(check(url.replace("/private/a.txt", "/private/b.txt")), "AccessDenied");
    expectRefused(check(url, { hostOverride: "d222222abcdef8.cloudfront.net" }), "AccessDenied");
    expectRefused(check(url.replace("https://", "http://")), "AccessDenied");
    expectRefused(check(url.replace("v=1", "v=2")), "AccessDenied");
    expectRefused(check(`${url}&extra=1`), "AccessDenied"); // docs/signed-urls.md §2: adding a parameter after signing
  });

  it("refuses a changed Expires (the signature covers it)", () => {
    const url = canned(`https://${HOST}/a.txt`);
    const later = url.replace(/Expires=(\d+)/, (_m, e: string) => `Expires=${Number(e) + 3600}`);
    expectRefused(check(later), "AccessDenied");
  });

  it("refuses a URL signed with another private key than the one Key-Pair-Id names", () => {
    expectRefused(check(canned(`https://${HOST}/a.txt`, { key: OTHER, id: RSA_ID })), "AccessDenied");
    expectRefused(check(canned(`https://${HOST}/a.txt`, { key: RSA, id: EC_ID })), "AccessDenied");
  });

  it("refuses a key the behavior does not trust with InvalidKey, and a missing key with MissingKey", () => {
    expectRefused(check(canned(`https://${HOST}/a.txt`, { id: "KUNKNOWN000000" })), "InvalidKey");
    const url = canned(`https://${HOST}/a.txt`).replace(/&Key-Pair-Id=[^&]*/, "");
    const result = check(url);
    expectRefused(result, "MissingKey");
    assert.equal(result.ok ? "" : result.message, "Missing Key-Pair-Id query parameter or cookie value");
    expectRefused(check(`https://${HOST}/a.txt`), "MissingKey");
    expectRefused(check(`https://${HOST}/a.txt?Key-Pair-Id=`), "MissingKey");
  });

  it("refuses a missing Signature, missing Expires/Policy, an unknown Hash-Algorithm and a garbled signature", () => {
    const url = canned(`https://${HOST}/a.txt`);
    expectRefused(check(url.replace(/&Signature=[^&]*/, "")), "AccessDenied");
    expectRefused(check(url.replace(/Expires=\d+&/, "")), "AccessDenied");
    expectRefused(check(`${url}&Hash-Algorithm=MD5`), "AccessDenied");
    expectRefused(check(url.replace(/Signature=([^&]{10})/, "Signature=AAAAAAAAAA")), "AccessDenied");
    expectRefused(check(url.replace(/Signature=[^&]*/, "Signature=***")), "AccessDenied");
    expectRefused(check(url.replace(/Expires=\d+/, "Expires=soon")), "MalformedPolicy");
  });

  it("reads a host with the scheme's default port as the host without it", () => {
    const url = canned(`https://${HOST}/a.txt`);
    expectOk(check(url, { hostOverride: `${HOST}:443` }));
  });

  it("works with a local emulator host and port as the signed URL's host", () => {
    const url = canned("http://d111111abcdef8.cloudfront.localhost:4566/a.txt");
    expectOk(check(url));
  });
});

describe("signed URLs with a custom policy (docs/signed-urls.md §4)", () => {
  it("accepts DateLessThan + DateGreaterThan from the SDK's own policy builder, only inside the window", () => {
    const url = getSignedUrl({
      url: `https://${HOST}/a.txt?x=1`,
      keyPairId: RSA_ID,
      privateKey: RSA.privateKey,
      dateLessThan: new Date(NOW + HOUR),
      dateGreaterThan: new Date(NOW - HOUR),
    });
    assert.match(url, /[?&]Policy=/);
    const ok = expectOk(check(url));
    assert.equal(ok.policy, "custom");
    assert.equal(ok.query, "x=1");
    expectRefused(check(url, { now: NOW - HOUR - 1000 }), "AccessDenied"); // not yet valid
    expectRefused(check(url, { now: NOW + HOUR }), "AccessDenied"); // expired
  });

  it("checks the IpAddress condition against the viewer address (IPv4-mapped IPv6 counts as IPv4; IPv6 never matches)", () => {
    const url = getSignedUrl({ url: `https://${HOST}/a.txt`, keyPairId: RSA_ID, privateKey: RSA.privateKey, dateLessThan: new Date(NOW + HOUR), ipAddress: "192.0.2.0/24" });
    const cases: Array<[string, boolean]> = [
      ["192.0.2.10", true],
      ["192.0.2.255", true],
      ["::ffff:192.0.2.77", true],
      ["192.0.3.1", false],
      ["10.0.0.1", false],
      ["2001:db8::1", false],
    ];
    for (const [ip, allowed] of cases) {
      if (allowed) expectOk(check(url, { ip }));
      else expectRefused(check(url, { ip }), "AccessDenied");
    }
    const single = getSignedUrl({ url: `https://${HOST}/a.txt`, keyPairId: RSA_ID, privateKey: RSA.privateKey, dateLessThan: new Date(NOW + HOUR), ipAddress: "198.51.100.7" });
    expectOk(check(single, { ip: "198.51.100.7" }));
    expectRefused(check(single, { ip: "198.51.100.8" }), "AccessDenied");
  });

  it("accepts any URL matching a wildcard Resource, and only those", () => {
    const policy = statement(`https://${HOST}/videos/*`, { DateLessThan: { "AWS:EpochTime": epoch(NOW + HOUR) } });
    const signed = custom(`https://${HOST}/videos/intro.mp4`, policy);
    const params = signed.slice(signed.indexOf("?") + 1);
    expectOk(check(`https://${HOST}/videos/intro.mp4?${params}`));
    expectOk(check(`https://${HOST}/videos/2024/other.mp4?${params}`));
    expectOk(check(`https://${HOST}/videos/other.mp4?page=2&${params}`)); // a trailing * in the path also covers a query
    expectRefused(check(`https://${HOST}/images/a.png?${params}`), "AccessDenied");
    expectRefused(check(`http://${HOST}/videos/intro.mp4?${params}`), "AccessDenied");
  });

  it("accepts a policy without Resource for any URL, and a Statement given as a bare object", () => {
    const anyUrl = custom(`https://${HOST}/x`, statement(undefined, { DateLessThan: { "AWS:EpochTime": epoch(NOW + HOUR) } }));
    const params = anyUrl.slice(anyUrl.indexOf("?") + 1);
    expectOk(check(`https://other.example.com/anything?${params}`));
    const bare = custom(`https://${HOST}/y`, { Statement: { Resource: `https://${HOST}/y`, Condition: { DateLessThan: { "AWS:EpochTime": epoch(NOW + HOUR) } } } });
    expectOk(check(bare));
  });

  it("refuses a tampered policy: a Policy re-encoded with a later expiry keeps the old signature", () => {
    const policy = statement(`https://${HOST}/a.txt`, { DateLessThan: { "AWS:EpochTime": epoch(NOW + HOUR) } });
    const url = custom(`https://${HOST}/a.txt`, policy);
    expectOk(check(url));
    const forged = JSON.stringify(statement(`https://${HOST}/a.txt`, { DateLessThan: { "AWS:EpochTime": epoch(NOW + 100 * HOUR) } }));
    const encoded = Buffer.from(forged).toString("base64").replace(/\+/g, "-").replace(/=/g, "_").replace(/\//g, "~");
    expectRefused(check(url.replace(/Policy=[^&]*/, `Policy=${encoded}`)), "AccessDenied");
  });

  it("refuses malformed policies with MalformedPolicy", () => {
    const signedWith = (policyText: string) => {
      const url = custom(`https://${HOST}/a.txt`, statement(`https://${HOST}/a.txt`, { DateLessThan: { "AWS:EpochTime": epoch(NOW + HOUR) } }));
      const encoded = Buffer.from(policyText).toString("base64").replace(/\+/g, "-").replace(/=/g, "_").replace(/\//g, "~");
      return url.replace(/Policy=[^&]*/, `Policy=${encoded}`);
    };
    const bad: Array<[string, string]> = [
      ["not JSON", "{nope"],
      ["no Statement", "{}"],
      ["two statements", JSON.stringify({ Statement: [statement("*", {}).Statement[0], statement("*", {}).Statement[0]] })],
      ["no DateLessThan", JSON.stringify(statement(`https://${HOST}/a.txt`, { DateGreaterThan: { "AWS:EpochTime": 1 } }))],
      ["quoted epoch", JSON.stringify(statement(`https://${HOST}/a.txt`, { DateLessThan: { "AWS:EpochTime": String(epoch(NOW + HOUR)) } }))],
      ["IPv6 range", JSON.stringify(statement(`https://${HOST}/a.txt`, { DateLessThan: { "AWS:EpochTime": epoch(NOW + HOUR) }, IpAddress: { "AWS:SourceIp": "2001:db8::/32" } }))],
      ["unknown condition", JSON.stringify(statement(`https://${HOST}/a.txt`, { DateLessThan: { "AWS:EpochTime": epoch(NOW + HOUR) }, StringEquals: { a: "b" } }))],
      ["Resource without scheme", JSON.stringify(statement(`${HOST}/a.txt`, { DateLessThan: { "AWS:EpochTime": epoch(NOW + HOUR) } }))],
    ];
    for (const [what, text] of bad) {
      const result = check(signedWith(text));
      assert.equal(result.ok ? "accepted" : result.code, "MalformedPolicy", what);
    }
    const notBase64 = custom(`https://${HOST}/a.txt`, statement(undefined, { DateLessThan: { "AWS:EpochTime": epoch(NOW + HOUR) } })).replace(/Policy=[^&]*/, "Policy=%21%21%21");
    expectRefused(check(notBase64), "MalformedPolicy");
  });
});

describe("signed cookies (docs/signed-urls.md §3)", () => {
  it("accepts canned-policy cookies; the query stays as the viewer sent it", () => {
    const cookies = getSignedCookies({ url: `https://${HOST}/a.txt?v=3`, keyPairId: RSA_ID, privateKey: RSA.privateKey, dateLessThan: new Date(NOW + HOUR) });
    assert.ok(cookies["CloudFront-Expires"]);
    const ok = expectOk(check(`https://${HOST}/a.txt?v=3`, { cookies: { session: "abc", ...cookies } }));
    assert.equal(ok.source, "cookie");
    assert.equal(ok.policy, "canned");
    assert.equal(ok.query, "v=3");
    expectRefused(check(`https://${HOST}/b.txt?v=3`, { cookies: { ...cookies } }), "AccessDenied");
    expectRefused(check(`https://${HOST}/a.txt?v=3`, { cookies: { ...cookies }, now: NOW + HOUR }), "AccessDenied");
  });

  it("accepts custom-policy cookies for every URL the wildcard Resource covers (SHA-256, ECDSA too)", () => {
    for (const [key, id] of [[RSA, RSA_ID], [EC, EC_ID]] as const) {
      const policy = JSON.stringify(statement(`https://${HOST}/members/*`, { DateLessThan: { "AWS:EpochTime": epoch(NOW + HOUR) } }));
      const cookies = getSignedCookies({ keyPairId: id, privateKey: key.privateKey, policy, algorithm: "SHA256" });
      assert.equal(cookies["CloudFront-Hash-Algorithm"], "SHA256");
      const ok = expectOk(check(`https://${HOST}/members/page.html`, { cookies: { ...cookies } }));
      assert.equal(ok.policy, "custom");
      assert.equal(ok.hashAlgorithm, "SHA256");
      expectOk(check(`https://${HOST}/members/deep/file.css?x=1`, { cookies: { ...cookies } }));
      expectRefused(check(`https://${HOST}/public/page.html`, { cookies: { ...cookies } }), "AccessDenied");
      expectRefused(check(`https://${HOST}/members/page.html`, { cookies: { ...cookies, "CloudFront-Hash-Algorithm": undefined } }), "AccessDenied");
    }
  });

  it("needs CloudFront-Key-Pair-Id (MissingKey) and a trusted key (InvalidKey); cookie names are case-sensitive", () => {
    const cookies = getSignedCookies({ url: `https://${HOST}/a.txt`, keyPairId: RSA_ID, privateKey: RSA.privateKey, dateLessThan: new Date(NOW + HOUR) });
    expectRefused(check(`https://${HOST}/a.txt`, { cookies: { ...cookies, "CloudFront-Key-Pair-Id": undefined } }), "MissingKey");
    expectRefused(check(`https://${HOST}/a.txt`, { cookies: { ...cookies, "CloudFront-Key-Pair-Id": "KNOTTRUSTED000" } }), "InvalidKey");
    const lower = Object.fromEntries(Object.entries(cookies).map(([k, v]) => [k.toLowerCase(), v]));
    expectRefused(check(`https://${HOST}/a.txt`, { cookies: lower }), "MissingKey");
  });

  it("uses the signed URL and ignores cookies when both are present", () => {
    const cookies = getSignedCookies({ url: `https://${HOST}/a.txt`, keyPairId: RSA_ID, privateKey: RSA.privateKey, dateLessThan: new Date(NOW + HOUR) });
    const badUrl = canned(`https://${HOST}/a.txt`, { key: OTHER });
    expectRefused(check(badUrl, { cookies: { ...cookies } }), "AccessDenied");
    const goodUrl = canned(`https://${HOST}/a.txt`);
    assert.equal(expectOk(check(goodUrl, { cookies: { "CloudFront-Signature": "garbage", "CloudFront-Key-Pair-Id": "KX" } })).source, "url");
  });
});

describe("Resource wildcards (docs/signed-urls.md §4)", () => {
  const cases: Array<[string, string, boolean]> = [
    ["*", "https://a.example.com/x?y=1", true],
    [`https://${HOST}/a.txt`, `https://${HOST}/a.txt`, true],
    [`https://${HOST}/a.txt`, `https://${HOST}/a.txt?x=1`, false],
    [`https://${HOST}/a.txt?x=1`, `https://${HOST}/a.txt?x=1`, true],
    [`https://${HOST}/a.txt?*`, `https://${HOST}/a.txt?x=1&y=2`, true],
    [`https://${HOST}/a.txt\\?x=*`, `https://${HOST}/a.txt?x=9`, true],
    [`https://${HOST}/a?txt`, `https://${HOST}/abtxt`, true],
    [`https://${HOST}/a?txt`, `https://${HOST}/abbtxt`, false],
    [`https://${HOST}/videos/*.mp4`, `https://${HOST}/videos/a/b.mp4`, true],
    [`https://${HOST}/videos/*.mp4`, `https://${HOST}/videos/a.mp4?x=.mp4`, false],
    [`https://${HOST}/hello*`, `https://${HOST}/hello/world?q=1`, true],
    [`https://*.cloudfront.net/a.txt`, `https://${HOST}/a.txt`, true],
    [`https://*/a.txt`, `https://${HOST}/x/a.txt`, false],
    [`*://${HOST}/a.txt`, `http://${HOST}/a.txt`, true],
    [`http*://${HOST}/a.txt`, `https://${HOST}/a.txt`, true],
    [`https://${HOST}*`, `https://${HOST}/any/path?q=1`, true],
    ["*.cloudfront.net", `https://${HOST}/`, true],
    ["*.cloudfront.net", `https://${HOST}/a.txt`, false],
    [`https://D111111ABCDEF8.CloudFront.net/a.txt`, `https://${HOST}/a.txt`, true],
    [`https://${HOST}/A.txt`, `https://${HOST}/a.txt`, false],
    [`https://${HOST}/*/b`, `https://${HOST}/a?/b`, false],
    [`${HOST}/a.txt`, `https://${HOST}/a.txt`, false],
  ];
  for (const [resource, url, expected] of cases) {
    it(`${resource} ${expected ? "matches" : "does not match"} ${url}`, () => assert.equal(matchesResource(resource, url), expected));
  }
});

describe("helpers", () => {

  it("decodeCloudFrontBase64 reverses - _ ~ and refuses other characters", () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xfe, 0x3e, 0x01]);
    const encoded = bytes.toString("base64").replace(/\+/g, "-").replace(/=/g, "_").replace(/\//g, "~");
    assert.deepEqual(decodeCloudFrontBase64(encoded), bytes);
    assert.deepEqual(decodeCloudFrontBase64(` ${encoded}\n`), bytes);
    assert.equal(decodeCloudFrontBase64("ab!d"), undefined);
  });
});

describe("aws cloudfront sign (CLI v1, botocore's CloudFrontSigner)", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "minifront-sign-"));
    writeFileSync(join(dir, "key.pem"), RSA.rsaPrivateKey);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function sign(...args: string[]): Promise<string> {
    // `sign` works offline; the endpoint only satisfies the shared helper.
    const r = await runAws(["cloudfront", "sign", "--key-pair-id", RSA_ID, "--private-key", `file://${join(dir, "key.pem")}`, ...args], {
      endpoint: "http://127.0.0.1:9",
      configDir: dir,
      timeoutMs: 20_000,
    });
    assert.equal(r.code, 0, `aws cloudfront sign exited with ${r.code}:\n${r.stderr}`);
    return r.stdout.trim();
  }

  it("a canned-policy URL from `aws cloudfront sign` is accepted, and refused once expired or changed", async () => {
    const url = await sign("--url", `https://${HOST}/reports/q1.pdf?download=1`, "--date-less-than", String(epoch(NOW + HOUR)));
    assert.match(url, /[?&]Expires=\d+&Signature=[^&]+&Key-Pair-Id=K2JCJMDEHXQW5F$/);
    const ok = expectOk(check(url));
    assert.equal(ok.policy, "canned");
    assert.equal(ok.query, "download=1");
    expectRefused(check(url, { now: NOW + 2 * HOUR }), "AccessDenied");
    expectRefused(check(url.replace("q1.pdf", "q2.pdf")), "AccessDenied");
  });

  it("a custom-policy URL from `aws cloudfront sign --date-greater-than --ip-address` is accepted inside its window from its network", async () => {
    const url = await sign(
      "--url",
      `https://${HOST}/reports/q1.pdf`,
      "--date-less-than",
      String(epoch(NOW + HOUR)),
      "--date-greater-than",
      String(epoch(NOW - HOUR)),
      "--ip-address",
      "192.0.2.0/24",
    );
    assert.match(url, /[?&]Policy=/);
    assert.equal(expectOk(check(url, { ip: "192.0.2.44" })).policy, "custom");
    expectRefused(check(url, { ip: "203.0.113.1" }), "AccessDenied");
    expectRefused(check(url, { ip: "192.0.2.44", now: NOW - 2 * HOUR }), "AccessDenied");
  });
});
