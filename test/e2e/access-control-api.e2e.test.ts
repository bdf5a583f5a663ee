// Public keys, key groups, origin access controls and origin access identities end to end, through
// @aws-sdk/client-cloudfront on a real port: CRUD with ETag/If-Match, CallerReference and name
// rules, PEM validation, limits, in-use protection, distributions that reference these resources
// (valid and invalid), persistence across a restart, and the aws CLI where installed.
// docs/control-plane.md §3 (If-Match), §4 (CallerReference, names), §5 (errors), §6 (ids), §9 (quotas,
// OAC/OAI rules); docs/signed-urls.md §1, §5.5; docs/edge.md §7.5.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateCloudFrontOriginAccessIdentityCommand,
  CreateDistributionCommand,
  CreateKeyGroupCommand,
  CreateOriginAccessControlCommand,
  CreatePublicKeyCommand,
  DeleteCloudFrontOriginAccessIdentityCommand,
  DeleteKeyGroupCommand,
  DeleteOriginAccessControlCommand,
  DeletePublicKeyCommand,
  GetCloudFrontOriginAccessIdentityCommand,
  GetCloudFrontOriginAccessIdentityConfigCommand,
  GetDistributionConfigCommand,
  GetKeyGroupCommand,
  GetKeyGroupConfigCommand,
  GetOriginAccessControlCommand,
  GetOriginAccessControlConfigCommand,
  GetPublicKeyCommand,
  GetPublicKeyConfigCommand,
  ListCloudFrontOriginAccessIdentitiesCommand,
  ListDistributionsByKeyGroupCommand,
  ListKeyGroupsCommand,
  ListOriginAccessControlsCommand,
  ListPublicKeysCommand,
  UpdateCloudFrontOriginAccessIdentityCommand,
  UpdateDistributionCommand,
  UpdateKeyGroupCommand,
  UpdateOriginAccessControlCommand,
  UpdatePublicKeyCommand,
  type CloudFrontClient,
  type DefaultCacheBehavior,
  type DistributionConfig,
  type Origin,
  type OriginAccessControlConfig,
  type PublicKeyConfig,
} from "@aws-sdk/client-cloudfront";
import { startEmulator } from "../../src/index.ts";
import { AWS_CLI_MISSING, awsCliAvailable, runAws, useCloudFrontCli } from "../helpers/aws-cli.ts";
import { cloudFrontClient, expectServiceError, useEmulator } from "../helpers/emulator.ts";

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PUBLIC_KEY_ID = /^K[A-Z0-9]{13}$/;
const RESOURCE_ID = /^E[A-Z0-9]{13}$/;
const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";

const rsaPem = (bits = 2048) => generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ type: "spki", format: "pem" }) as string;
const ecPem = (curve = "P-256") => generateKeyPairSync("ec", { namedCurve: curve }).publicKey.export({ type: "spki", format: "pem" }) as string;

let refs = 0;
const ref = (prefix: string) => `${prefix}-${process.pid}-${++refs}`;
const keyConfig = (name: string, o: Partial<PublicKeyConfig> = {}): PublicKeyConfig => ({ CallerReference: ref("pk"), Name: name, EncodedKey: rsaPem(), ...o });
const oacConfig = (name: string, o: Partial<OriginAccessControlConfig> = {}): OriginAccessControlConfig => ({
  Name: name,
  SigningProtocol: "sigv4",
  SigningBehavior: "always",
  OriginAccessControlOriginType: "s3",
  ...o,
});

const s3Origin = (o: Partial<Origin> = {}): Origin => ({ Id: "s3", DomainName: "private-bucket.s3.eu-west-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" }, ...o });
const behavior = (o: Partial<DefaultCacheBehavior> = {}): DefaultCacheBehavior => ({ TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, ...o });
const trusting = (...ids: string[]): Partial<DefaultCacheBehavior> => ({ TrustedKeyGroups: { Enabled: true, Quantity: ids.length, Items: ids } });
function distConfig(origin: Origin = s3Origin(), b: DefaultCacheBehavior = behavior()): DistributionConfig {
  return { CallerReference: ref("dist"), Comment: "", Enabled: true, Origins: { Quantity: 1, Items: [origin] }, DefaultCacheBehavior: b };
}

function useClient(t: ReturnType<typeof useEmulator>): () => CloudFrontClient {
  let client: CloudFrontClient | undefined;
  before(() => {
    client = t.cloudfront();
  });
  after(() => client?.destroy());
  return () => client ?? assert.fail("CloudFront client not created yet");
}

async function createKey(cf: CloudFrontClient, name: string, o: Partial<PublicKeyConfig> = {}) {
  const out = await cf.send(new CreatePublicKeyCommand({ PublicKeyConfig: keyConfig(name, o) }));
  return { id: out.PublicKey?.Id ?? assert.fail("no public key id"), etag: out.ETag ?? assert.fail("no ETag"), out };
}

async function createGroup(cf: CloudFrontClient, name: string, items: string[]) {
  const out = await cf.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: name, Items: items } }));
  return { id: out.KeyGroup?.Id ?? assert.fail("no key group id"), etag: out.ETag ?? assert.fail("no ETag"), out };
}

async function createDistribution(cf: CloudFrontClient, config: DistributionConfig): Promise<string> {
  const out = await cf.send(new CreateDistributionCommand({ DistributionConfig: config }));
  return out.Distribution?.Id ?? assert.fail("no distribution id");
}

async function updateDistribution(cf: CloudFrontClient, id: string, change: (c: DistributionConfig) => DistributionConfig): Promise<void> {
  const got = await cf.send(new GetDistributionConfigCommand({ Id: id }));
  await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: got.ETag, DistributionConfig: change(got.DistributionConfig ?? assert.fail("no config")) }));
}

// ---------------------------------------------------------------------------------------------

describe("public keys", () => {
  const t = useEmulator();
  const cf = useClient(t);

  it("CreatePublicKey answers 201 with Location, ETag and a K… Id; Get and GetConfig return the key with the same ETag", async () => {
    const pem = rsaPem();
    const { id, etag, out } = await createKey(cf(), "signer-rsa", { EncodedKey: pem, Comment: "for signed URLs" });
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.match(id, PUBLIC_KEY_ID);
    assert.equal(out.Location, `${t.emu.controlUrl}/2020-05-31/public-key/${id}`);
    assert.ok(out.PublicKey?.CreatedTime instanceof Date);
    assert.equal(out.PublicKey?.PublicKeyConfig?.EncodedKey, pem);
    assert.equal(out.PublicKey?.PublicKeyConfig?.Comment, "for signed URLs");

    const got = await cf().send(new GetPublicKeyCommand({ Id: id }));
    assert.equal(got.ETag, etag);
    assert.deepEqual(got.PublicKey?.PublicKeyConfig, out.PublicKey?.PublicKeyConfig);
    const config = await cf().send(new GetPublicKeyConfigCommand({ Id: id }));
    assert.equal(config.ETag, etag);
    assert.equal(config.PublicKeyConfig?.Name, "signer-rsa");
    assert.equal(config.PublicKeyConfig?.EncodedKey, pem);
  });

  it("accepts an ECDSA P-256 key (API_PublicKey: RSA 2048 or ECDSA 256)", async () => {
    const { out } = await createKey(cf(), "signer-ec", { EncodedKey: ecPem() });
    assert.equal(out.$metadata.httpStatusCode, 201);
  });

  it("refuses an EncodedKey that is not a PEM RSA 2048 / ECDSA P-256 public key with InvalidArgument", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const bad: Array<[string, string]> = [
      ["garbage", "not a key"],
      ["an empty PEM", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----"],
      ["a corrupted PEM body", rsaPem().replace(/[A-Za-z]{8}/, "AAAAAAAA").replace("MII", "XYZ")],
      ["a private key", rsa.privateKey.export({ type: "pkcs8", format: "pem" }) as string],
      ["a PKCS#1 RSA PUBLIC KEY block", rsa.publicKey.export({ type: "pkcs1", format: "pem" }) as string],
      ["RSA 1024", rsaPem(1024)],
      ["RSA 4096", rsaPem(4096)],
      ["ECDSA P-384", ecPem("P-384")],
      ["Ed25519", generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }) as string],
    ];
    for (const [what, EncodedKey] of bad) {
      await expectServiceError(cf().send(new CreatePublicKeyCommand({ PublicKeyConfig: keyConfig(`bad-${refs}`, { EncodedKey }) })), 400, "InvalidArgument").catch((e: Error) => {
        throw new Error(`${what}: ${e.message}`);
      });
    }
    const names = ((await cf().send(new ListPublicKeysCommand({}))).PublicKeyList?.Items ?? []).map((k) => k.Name ?? "");
    assert.ok(!names.some((n) => n.startsWith("bad-")), "no refused key was stored");
  });

  it("a reused CallerReference or Name is PublicKeyAlreadyExists (409); a Comment over 128 characters is InvalidArgument", async () => {
    const first = keyConfig("unique-name");
    await cf().send(new CreatePublicKeyCommand({ PublicKeyConfig: first }));
    await expectServiceError(cf().send(new CreatePublicKeyCommand({ PublicKeyConfig: first })), 409, "PublicKeyAlreadyExists");
    await expectServiceError(cf().send(new CreatePublicKeyCommand({ PublicKeyConfig: { ...first, Name: "another-name" } })), 409, "PublicKeyAlreadyExists");
    await expectServiceError(cf().send(new CreatePublicKeyCommand({ PublicKeyConfig: keyConfig("unique-name") })), 409, "PublicKeyAlreadyExists");
    await expectServiceError(cf().send(new CreatePublicKeyCommand({ PublicKeyConfig: keyConfig("long-comment", { Comment: "x".repeat(129) }) })), 400, "InvalidArgument");
  });

  it("UpdatePublicKey: If-Match required and current; only the Comment may change (CannotChangeImmutablePublicKeyFields)", async () => {
    const config = keyConfig("updatable-key", { Comment: "v1" });
    const created = await cf().send(new CreatePublicKeyCommand({ PublicKeyConfig: config }));
    const id = created.PublicKey?.Id ?? assert.fail("no id");
    const e1 = created.ETag ?? assert.fail("no ETag");

    await expectServiceError(cf().send(new UpdatePublicKeyCommand({ Id: id, PublicKeyConfig: { ...config, Comment: "v2" } })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf().send(new UpdatePublicKeyCommand({ Id: id, IfMatch: "EWRONGETAG1234", PublicKeyConfig: { ...config, Comment: "v2" } })), 412, "PreconditionFailed");
    for (const change of [{ EncodedKey: rsaPem() }, { Name: "renamed-key" }, { CallerReference: "another-ref" }]) {
      await expectServiceError(
        cf().send(new UpdatePublicKeyCommand({ Id: id, IfMatch: e1, PublicKeyConfig: { ...config, ...change } })),
        400,
        "CannotChangeImmutablePublicKeyFields",
      );
    }
    const updated = await cf().send(new UpdatePublicKeyCommand({ Id: id, IfMatch: e1, PublicKeyConfig: { ...config, Comment: "v2" } }));
    assert.equal(updated.$metadata.httpStatusCode, 200);
    assert.notEqual(updated.ETag, e1, "a new ETag");
    assert.equal(updated.PublicKey?.PublicKeyConfig?.Comment, "v2");
    assert.equal(updated.PublicKey?.PublicKeyConfig?.EncodedKey, config.EncodedKey);
    assert.equal((await cf().send(new GetPublicKeyCommand({ Id: id }))).ETag, updated.ETag);
    await expectServiceError(cf().send(new UpdatePublicKeyCommand({ Id: id, IfMatch: e1, PublicKeyConfig: { ...config, Comment: "v3" } })), 412, "PreconditionFailed");
  });

  it("DeletePublicKey: PublicKeyInUse while a key group holds it; then 204 and NoSuchPublicKey", async () => {
    const key = await createKey(cf(), "deletable-key");
    const other = await createKey(cf(), "replacement-key");
    const group = await createGroup(cf(), "holds-deletable", [key.id]);
    await expectServiceError(cf().send(new DeletePublicKeyCommand({ Id: key.id, IfMatch: key.etag })), 409, "PublicKeyInUse");
    await cf().send(new UpdateKeyGroupCommand({ Id: group.id, IfMatch: group.etag, KeyGroupConfig: { Name: "holds-deletable", Items: [other.id] } }));
    await expectServiceError(cf().send(new DeletePublicKeyCommand({ Id: key.id })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf().send(new DeletePublicKeyCommand({ Id: key.id, IfMatch: "EWRONGETAG1234" })), 412, "PreconditionFailed");
    const deleted = await cf().send(new DeletePublicKeyCommand({ Id: key.id, IfMatch: key.etag }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await expectServiceError(cf().send(new GetPublicKeyCommand({ Id: key.id })), 404, "NoSuchPublicKey");
    await expectServiceError(cf().send(new GetPublicKeyConfigCommand({ Id: key.id })), 404, "NoSuchPublicKey");
    await expectServiceError(cf().send(new DeletePublicKeyCommand({ Id: key.id, IfMatch: key.etag })), 404, "NoSuchPublicKey");
    await expectServiceError(cf().send(new UpdatePublicKeyCommand({ Id: key.id, IfMatch: key.etag, PublicKeyConfig: keyConfig("x") })), 404, "NoSuchPublicKey");
  });

  it("ListPublicKeys pages with MaxItems and Marker through every key once, with their PEMs", async () => {
    const all = (await cf().send(new ListPublicKeysCommand({}))).PublicKeyList ?? assert.fail("no list");
    assert.equal(all.Quantity, all.Items?.length);
    assert.ok((all.Quantity ?? 0) >= 3);
    for (const k of all.Items ?? []) {
      assert.match(k.Id ?? "", PUBLIC_KEY_ID);
      assert.match(k.EncodedKey ?? "", /^-----BEGIN PUBLIC KEY-----/);
      assert.ok(k.CreatedTime instanceof Date);
    }
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = (await cf().send(new ListPublicKeysCommand({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }))).PublicKeyList ?? assert.fail("no list");
      assert.equal(page.MaxItems, 2);
      seen.push(...(page.Items ?? []).map((k) => k.Id ?? ""));
      marker = page.NextMarker;
    } while (marker);
    assert.deepEqual(seen, (all.Items ?? []).map((k) => k.Id));
  });
});

// ---------------------------------------------------------------------------------------------

describe("key groups", () => {
  const t = useEmulator();
  const cf = useClient(t);
  // Public keys are limited to 10 per account: the tests share these six.
  const pool: Array<{ id: string; etag: string }> = [];
  const keyAt = (i: number) => pool[i] ?? assert.fail(`no pool key ${i}`);
  before(async () => {
    for (let i = 0; i < 6; i++) pool.push(await createKey(cf(), `pool-key-${i}`));
  });

  it("CreateKeyGroup answers 201 with a UUID, Location and ETag; Get and GetConfig agree", async () => {
    const k1 = keyAt(0);
    const k2 = keyAt(1);
    const { id, etag, out } = await createGroup(cf(), "signers", [k1.id, k2.id]);
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.match(id, UUID);
    assert.equal(out.Location, `${t.emu.controlUrl}/2020-05-31/key-group/${id}`);
    assert.deepEqual(out.KeyGroup?.KeyGroupConfig?.Items, [k1.id, k2.id]);
    assert.ok(out.KeyGroup?.LastModifiedTime instanceof Date);
    const got = await cf().send(new GetKeyGroupCommand({ Id: id }));
    assert.equal(got.ETag, etag);
    assert.deepEqual(got.KeyGroup?.KeyGroupConfig, out.KeyGroup?.KeyGroupConfig);
    const config = await cf().send(new GetKeyGroupConfigCommand({ Id: id }));
    assert.equal(config.ETag, etag);
    assert.equal(config.KeyGroupConfig?.Name, "signers");
  });

  it("refuses an empty group, an unknown or repeated key (InvalidArgument), six keys (TooManyPublicKeysInKeyGroup) and a taken name (KeyGroupAlreadyExists)", async () => {
    const keys = pool.map((k) => k.id);
    await expectServiceError(cf().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "empty", Items: [] } })), 400, "InvalidArgument");
    await expectServiceError(cf().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "unknown-key", Items: ["KUNKNOWNKEY000"] } })), 400, "InvalidArgument");
    await expectServiceError(cf().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "twice", Items: [keys[0]!, keys[0]!] } })), 400, "InvalidArgument");
    await expectServiceError(cf().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "six", Items: keys } })), 400, "TooManyPublicKeysInKeyGroup");
    const five = await createGroup(cf(), "five", keys.slice(0, 5));
    assert.equal(five.out.KeyGroup?.KeyGroupConfig?.Items?.length, 5, "five keys are allowed");
    await expectServiceError(cf().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "five", Items: [keys[5]!] } })), 409, "KeyGroupAlreadyExists");
    await expectServiceError(cf().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "", Items: [keys[5]!] } })), 400, "InvalidArgument");
  });

  it("UpdateKeyGroup: If-Match required and current; a new ETag; the same rules as create; NoSuchResource for unknown ids", async () => {
    const k1 = keyAt(2);
    const k2 = keyAt(3);
    const group = await createGroup(cf(), "updatable-group", [k1.id]);
    await createGroup(cf(), "taken-group-name", [k1.id]);
    const next = { Name: "updatable-group", Items: [k1.id, k2.id], Comment: "two keys" };
    await expectServiceError(cf().send(new UpdateKeyGroupCommand({ Id: group.id, KeyGroupConfig: next })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf().send(new UpdateKeyGroupCommand({ Id: group.id, IfMatch: "EWRONGETAG1234", KeyGroupConfig: next })), 412, "PreconditionFailed");
    await expectServiceError(cf().send(new UpdateKeyGroupCommand({ Id: group.id, IfMatch: group.etag, KeyGroupConfig: { ...next, Name: "taken-group-name" } })), 409, "KeyGroupAlreadyExists");
    await expectServiceError(cf().send(new UpdateKeyGroupCommand({ Id: group.id, IfMatch: group.etag, KeyGroupConfig: { ...next, Items: ["KUNKNOWNKEY000"] } })), 400, "InvalidArgument");
    const updated = await cf().send(new UpdateKeyGroupCommand({ Id: group.id, IfMatch: group.etag, KeyGroupConfig: next }));
    assert.notEqual(updated.ETag, group.etag);
    assert.deepEqual(updated.KeyGroup?.KeyGroupConfig?.Items, [k1.id, k2.id]);
    assert.equal(updated.KeyGroup?.KeyGroupConfig?.Comment, "two keys");
    assert.equal((await cf().send(new GetKeyGroupConfigCommand({ Id: group.id }))).ETag, updated.ETag);

    await expectServiceError(cf().send(new GetKeyGroupCommand({ Id: UNKNOWN_UUID })), 404, "NoSuchResource");
    await expectServiceError(cf().send(new GetKeyGroupConfigCommand({ Id: UNKNOWN_UUID })), 404, "NoSuchResource");
    await expectServiceError(cf().send(new UpdateKeyGroupCommand({ Id: UNKNOWN_UUID, IfMatch: "E1", KeyGroupConfig: next })), 404, "NoSuchResource");
    await expectServiceError(cf().send(new DeleteKeyGroupCommand({ Id: UNKNOWN_UUID, IfMatch: "E1" })), 404, "NoSuchResource");
  });

  it("a distribution may trust existing key groups; DeleteKeyGroup is ResourceInUse until no behavior trusts it; ListDistributionsByKeyGroup lists the users", async () => {
    const key = await createKey(cf(), "trusted-key"); // its own: the test shows it cannot be deleted while in use
    const group = await createGroup(cf(), "trusted-group", [key.id]);
    const unused = await createGroup(cf(), "unused-group", [key.id]);
    const distId = await createDistribution(cf(), distConfig(s3Origin(), behavior(trusting(group.id))));
    const config = (await cf().send(new GetDistributionConfigCommand({ Id: distId }))).DistributionConfig;
    assert.deepEqual(config?.DefaultCacheBehavior?.TrustedKeyGroups, { Enabled: true, Quantity: 1, Items: [group.id] });

    const by = await cf().send(new ListDistributionsByKeyGroupCommand({ KeyGroupId: group.id }));
    assert.deepEqual(by.DistributionIdList?.Items, [distId]);
    assert.equal((await cf().send(new ListDistributionsByKeyGroupCommand({ KeyGroupId: unused.id }))).DistributionIdList?.Quantity, 0);
    await expectServiceError(cf().send(new ListDistributionsByKeyGroupCommand({ KeyGroupId: UNKNOWN_UUID })), 404, "NoSuchResource");

    await expectServiceError(cf().send(new DeleteKeyGroupCommand({ Id: group.id, IfMatch: group.etag })), 409, "ResourceInUse");
    await expectServiceError(cf().send(new DeletePublicKeyCommand({ Id: key.id, IfMatch: key.etag })), 409, "PublicKeyInUse");
    await updateDistribution(cf(), distId, (c) => ({ ...c, DefaultCacheBehavior: { ...c.DefaultCacheBehavior!, TrustedKeyGroups: { Enabled: false, Quantity: 0 } } }));
    await expectServiceError(cf().send(new DeleteKeyGroupCommand({ Id: group.id })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf().send(new DeleteKeyGroupCommand({ Id: group.id, IfMatch: "EWRONGETAG1234" })), 412, "PreconditionFailed");
    const deleted = await cf().send(new DeleteKeyGroupCommand({ Id: group.id, IfMatch: group.etag }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await expectServiceError(cf().send(new GetKeyGroupCommand({ Id: group.id })), 404, "NoSuchResource");
    // A deleted key group is unknown to distributions.
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(s3Origin(), behavior(trusting(group.id))) })), 400, "TrustedKeyGroupDoesNotExist");
  });

  it("ListKeyGroups pages with MaxItems and Marker", async () => {
    const all = (await cf().send(new ListKeyGroupsCommand({}))).KeyGroupList ?? assert.fail("no list");
    assert.ok((all.Quantity ?? 0) >= 3);
    assert.equal(all.Quantity, all.Items?.length);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = (await cf().send(new ListKeyGroupsCommand({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }))).KeyGroupList ?? assert.fail("no list");
      assert.ok((page.Quantity ?? 0) <= 2);
      seen.push(...(page.Items ?? []).map((g) => g.KeyGroup?.Id ?? ""));
      marker = page.NextMarker;
    } while (marker);
    assert.deepEqual(seen, (all.Items ?? []).map((g) => g.KeyGroup?.Id));
  });
});

describe("distributions trusting key groups", () => {
  const t = useEmulator();
  const cf = useClient(t);

  it("distributions refuse unknown key groups (TrustedKeyGroupDoesNotExist), in path behaviors and updates too, an enabled empty list, and more than 4 key groups", async () => {
    const key = await createKey(cf(), "limits-key");
    const groups = [];
    for (let i = 0; i < 5; i++) groups.push((await createGroup(cf(), `limits-${i}`, [key.id])).id);
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(s3Origin(), behavior(trusting(UNKNOWN_UUID))) })), 400, "TrustedKeyGroupDoesNotExist");
    const withPath: DistributionConfig = {
      ...distConfig(),
      CacheBehaviors: { Quantity: 1, Items: [{ ...behavior(trusting(UNKNOWN_UUID)), PathPattern: "/private/*" }] },
    };
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: withPath })), 400, "TrustedKeyGroupDoesNotExist");
    const distId = await createDistribution(cf(), distConfig(s3Origin(), behavior(trusting(groups[0]!))));
    await expectServiceError(
      updateDistribution(cf(), distId, (c) => ({ ...c, DefaultCacheBehavior: { ...c.DefaultCacheBehavior!, ...trusting(UNKNOWN_UUID) } })),
      400,
      "TrustedKeyGroupDoesNotExist",
    );
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(s3Origin(), behavior(trusting())) })), 400, "InvalidArgument");
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(s3Origin(), behavior(trusting(...groups))) })), 400, "TooManyKeyGroupsAssociatedToDistribution");
    const spread: DistributionConfig = {
      ...distConfig(s3Origin(), behavior(trusting(...groups.slice(0, 3)))),
      CacheBehaviors: { Quantity: 1, Items: [{ ...behavior(trusting(...groups.slice(2, 5))), PathPattern: "/p/*" }] },
    };
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: spread })), 400, "TooManyKeyGroupsAssociatedToDistribution");
    await createDistribution(cf(), distConfig(s3Origin(), behavior(trusting(...groups.slice(0, 4)))));
  });
});

describe("account limits for public keys and key groups", () => {
  const t = useEmulator();
  const cf = useClient(t);

  it("the 11th public key is TooManyPublicKeys; the 11th key group TooManyKeyGroups; deleting makes room", async () => {
    const keys = [];
    for (let i = 0; i < 10; i++) keys.push(await createKey(cf(), `limit-key-${i}`));
    await expectServiceError(cf().send(new CreatePublicKeyCommand({ PublicKeyConfig: keyConfig("limit-key-10") })), 400, "TooManyPublicKeys");
    const groups = [];
    for (let i = 0; i < 10; i++) groups.push(await createGroup(cf(), `limit-group-${i}`, [keys[i]!.id]));
    await expectServiceError(cf().send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: "limit-group-10", Items: [keys[0]!.id] } })), 400, "TooManyKeyGroups");
    await cf().send(new DeleteKeyGroupCommand({ Id: groups[9]!.id, IfMatch: groups[9]!.etag }));
    await cf().send(new DeletePublicKeyCommand({ Id: keys[9]!.id, IfMatch: keys[9]!.etag }));
    await createKey(cf(), "limit-key-10");
    await createGroup(cf(), "limit-group-10", [keys[0]!.id]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("origin access controls", () => {
  const t = useEmulator();
  const cf = useClient(t);

  it("CreateOriginAccessControl answers 201 with an E… Id, Location and ETag; Description defaults to empty; Get and GetConfig agree", async () => {
    const out = await cf().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig("my-oac") }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const id = out.OriginAccessControl?.Id ?? assert.fail("no id");
    assert.match(id, RESOURCE_ID);
    assert.equal(out.Location, `${t.emu.controlUrl}/2020-05-31/origin-access-control/${id}`);
    assert.deepEqual(out.OriginAccessControl?.OriginAccessControlConfig, { ...oacConfig("my-oac"), Description: "" });
    const got = await cf().send(new GetOriginAccessControlCommand({ Id: id }));
    assert.equal(got.ETag, out.ETag);
    assert.deepEqual(got.OriginAccessControl, out.OriginAccessControl);
    const config = await cf().send(new GetOriginAccessControlConfigCommand({ Id: id }));
    assert.equal(config.ETag, out.ETag);
    assert.equal(config.OriginAccessControlConfig?.SigningBehavior, "always");
    for (const type of ["lambda", "mediastore", "mediapackagev2"]) {
      await cf().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig(`oac-${type}`, { OriginAccessControlOriginType: type as "s3" }) }));
    }
    await cf().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig("oac-amz-auth", { OriginAccessControlOriginType: "lambda", SigningBehavior: "always-amz-auth" }) }));
  });

  it("refuses bad values (InvalidArgument) and a taken name (OriginAccessControlAlreadyExists)", async () => {
    const bad: Array<Partial<OriginAccessControlConfig>> = [
      { SigningBehavior: "sometimes" as "always" },
      { SigningProtocol: "sigv2" as "sigv4" },
      { OriginAccessControlOriginType: "ftp" as "s3" },
      { SigningBehavior: "always-amz-auth" }, // Lambda origins only
      { Name: "x".repeat(65) },
      { Name: "" },
    ];
    for (const change of bad) {
      await expectServiceError(cf().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig("bad-oac", change) })), 400, "InvalidArgument");
    }
    await cf().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig("x".repeat(64)) }));
    await cf().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig("taken-oac") }));
    await expectServiceError(cf().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig("taken-oac", { SigningBehavior: "never" }) })), 409, "OriginAccessControlAlreadyExists");
  });

  it("UpdateOriginAccessControl with If-Match; DeleteOriginAccessControl is OriginAccessControlInUse while an origin uses it; the type cannot change while in use", async () => {
    const created = await cf().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig("lifecycle-oac", { Description: "first" }) }));
    const id = created.OriginAccessControl?.Id ?? assert.fail("no id");
    const e1 = created.ETag ?? assert.fail("no ETag");
    const next = oacConfig("lifecycle-oac", { Description: "second", SigningBehavior: "no-override" });
    await expectServiceError(cf().send(new UpdateOriginAccessControlCommand({ Id: id, OriginAccessControlConfig: next })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf().send(new UpdateOriginAccessControlCommand({ Id: id, IfMatch: "EWRONGETAG1234", OriginAccessControlConfig: next })), 412, "PreconditionFailed");
    const updated = await cf().send(new UpdateOriginAccessControlCommand({ Id: id, IfMatch: e1, OriginAccessControlConfig: next }));
    const e2 = updated.ETag ?? assert.fail("no ETag");
    assert.notEqual(e2, e1);
    assert.equal(updated.OriginAccessControl?.OriginAccessControlConfig?.SigningBehavior, "no-override");
    assert.equal((await cf().send(new GetOriginAccessControlConfigCommand({ Id: id }))).OriginAccessControlConfig?.Description, "second");

    const distId = await createDistribution(cf(), distConfig(s3Origin({ OriginAccessControlId: id })));
    await expectServiceError(cf().send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: e2 })), 409, "OriginAccessControlInUse");
    await expectServiceError(
      cf().send(new UpdateOriginAccessControlCommand({ Id: id, IfMatch: e2, OriginAccessControlConfig: { ...next, OriginAccessControlOriginType: "mediastore" } })),
      400,
      "IllegalUpdate",
    );
    await updateDistribution(cf(), distId, (c) => ({ ...c, Origins: { Quantity: 1, Items: [s3Origin()] } }));
    await expectServiceError(cf().send(new DeleteOriginAccessControlCommand({ Id: id })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf().send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: e1 })), 412, "PreconditionFailed");
    assert.equal((await cf().send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: e2 }))).$metadata.httpStatusCode, 204);
    for (const send of [
      () => cf().send(new GetOriginAccessControlCommand({ Id: id })),
      () => cf().send(new GetOriginAccessControlConfigCommand({ Id: id })),
      () => cf().send(new UpdateOriginAccessControlCommand({ Id: id, IfMatch: e2, OriginAccessControlConfig: next })),
      () => cf().send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: e2 })),
    ]) {
      await expectServiceError(send(), 404, "NoSuchOriginAccessControl");
    }
  });

  it("distributions: an S3 origin with an s3 OAC is fine; unknown OAC or wrong type → InvalidOriginAccessControl; a non-S3 domain → InvalidDomainNameForOriginAccessControl; OAC + OAI → IllegalOriginAccessConfiguration", async () => {
    const s3 = (await cf().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig("dist-s3-oac") }))).OriginAccessControl?.Id ?? assert.fail("no id");
    const lambda = (await cf().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig("dist-lambda-oac", { OriginAccessControlOriginType: "lambda" }) })))
      .OriginAccessControl?.Id ?? assert.fail("no id");
    const oai = (await cf().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: ref("oai"), Comment: "" } })))
      .CloudFrontOriginAccessIdentity?.Id ?? assert.fail("no id");

    await createDistribution(cf(), distConfig(s3Origin({ OriginAccessControlId: s3 })));
    await createDistribution(cf(), distConfig(s3Origin({ DomainName: "private-bucket.s3.amazonaws.com", OriginAccessControlId: s3 })));
    const lambdaOrigin: Origin = { Id: "s3", DomainName: "abcdefgh.lambda-url.eu-west-1.on.aws", OriginAccessControlId: lambda, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } };
    await createDistribution(cf(), distConfig(lambdaOrigin));

    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(s3Origin({ OriginAccessControlId: "E0UNKNOWNOAC00" })) })), 400, "InvalidOriginAccessControl");
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(s3Origin({ OriginAccessControlId: lambda })) })), 400, "InvalidOriginAccessControl");
    const custom: Origin = { Id: "s3", DomainName: "www.example.com", OriginAccessControlId: s3, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } };
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(custom) })), 400, "InvalidDomainNameForOriginAccessControl");
    const website: Origin = { ...custom, DomainName: "private-bucket.s3-website-eu-west-1.amazonaws.com" };
    await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(website) })), 400, "InvalidDomainNameForOriginAccessControl");
    await expectServiceError(
      cf().send(new CreateDistributionCommand({ DistributionConfig: distConfig(s3Origin({ OriginAccessControlId: s3, S3OriginConfig: { OriginAccessIdentity: `origin-access-identity/cloudfront/${oai}` } })) })),
      400,
      "IllegalOriginAccessConfiguration",
    );
  });

  it("ListOriginAccessControls pages with Marker and MaxItems, IsTruncated and summaries", async () => {
    const all = (await cf().send(new ListOriginAccessControlsCommand({}))).OriginAccessControlList ?? assert.fail("no list");
    assert.ok((all.Quantity ?? 0) >= 4);
    assert.equal(all.IsTruncated, false);
    const mine = all.Items?.find((s) => s.Name === "my-oac") ?? assert.fail("my-oac is not listed");
    assert.deepEqual(
      { Description: mine.Description, SigningProtocol: mine.SigningProtocol, SigningBehavior: mine.SigningBehavior, OriginAccessControlOriginType: mine.OriginAccessControlOriginType },
      { Description: "", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" },
    );
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = (await cf().send(new ListOriginAccessControlsCommand({ MaxItems: 3, ...(marker ? { Marker: marker } : {}) }))).OriginAccessControlList ?? assert.fail("no list");
      assert.equal(page.IsTruncated, page.NextMarker !== undefined);
      seen.push(...(page.Items ?? []).map((s) => s.Id ?? ""));
      marker = page.NextMarker;
    } while (marker);
    assert.deepEqual(seen, (all.Items ?? []).map((s) => s.Id));
  });
});

// ---------------------------------------------------------------------------------------------

describe("origin access identities", () => {
  const t = useEmulator();
  const cf = useClient(t);

  it("CreateCloudFrontOriginAccessIdentity answers 201 with an E… Id, a 64-hex S3CanonicalUserId, Location and ETag; Get and GetConfig agree", async () => {
    const out = await cf().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "oai-1", Comment: "access my bucket" } }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const oai = out.CloudFrontOriginAccessIdentity ?? assert.fail("no identity");
    assert.match(oai.Id ?? "", RESOURCE_ID);
    assert.match(oai.S3CanonicalUserId ?? "", /^[0-9a-f]{64}$/);
    assert.equal(out.Location, `${t.emu.controlUrl}/2020-05-31/origin-access-identity/cloudfront/${oai.Id}`);
    const got = await cf().send(new GetCloudFrontOriginAccessIdentityCommand({ Id: oai.Id }));
    assert.equal(got.ETag, out.ETag);
    assert.deepEqual(got.CloudFrontOriginAccessIdentity, oai);
    const config = await cf().send(new GetCloudFrontOriginAccessIdentityConfigCommand({ Id: oai.Id }));
    assert.equal(config.ETag, out.ETag);
    assert.deepEqual(config.CloudFrontOriginAccessIdentityConfig, { CallerReference: "oai-1", Comment: "access my bucket" });
  });

  it("a reused CallerReference returns the same identity for the same Comment, CloudFrontOriginAccessIdentityAlreadyExists for another", async () => {
    const first = await cf().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "oai-idem", Comment: "same" } }));
    const again = await cf().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "oai-idem", Comment: "same" } }));
    assert.equal(again.CloudFrontOriginAccessIdentity?.Id, first.CloudFrontOriginAccessIdentity?.Id);
    assert.equal(again.ETag, first.ETag);
    await expectServiceError(
      cf().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "oai-idem", Comment: "different" } })),
      409,
      "CloudFrontOriginAccessIdentityAlreadyExists",
    );
    await expectServiceError(
      cf().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "oai-long", Comment: "x".repeat(129) } })),
      400,
      "InvalidArgument",
    );
  });

  it("UpdateCloudFrontOriginAccessIdentity: If-Match, a new Comment, CallerReference immutable (IllegalUpdate); Delete is …InUse while an S3 origin uses it", async () => {
    const created = await cf().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "oai-life", Comment: "v1" } }));
    const id = created.CloudFrontOriginAccessIdentity?.Id ?? assert.fail("no id");
    const e1 = created.ETag ?? assert.fail("no ETag");
    const next = { CallerReference: "oai-life", Comment: "v2" };
    await expectServiceError(cf().send(new UpdateCloudFrontOriginAccessIdentityCommand({ Id: id, CloudFrontOriginAccessIdentityConfig: next })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf().send(new UpdateCloudFrontOriginAccessIdentityCommand({ Id: id, IfMatch: "EWRONGETAG1234", CloudFrontOriginAccessIdentityConfig: next })), 412, "PreconditionFailed");
    await expectServiceError(
      cf().send(new UpdateCloudFrontOriginAccessIdentityCommand({ Id: id, IfMatch: e1, CloudFrontOriginAccessIdentityConfig: { ...next, CallerReference: "other" } })),
      400,
      "IllegalUpdate",
    );
    const updated = await cf().send(new UpdateCloudFrontOriginAccessIdentityCommand({ Id: id, IfMatch: e1, CloudFrontOriginAccessIdentityConfig: next }));
    const e2 = updated.ETag ?? assert.fail("no ETag");
    assert.notEqual(e2, e1);
    assert.equal(updated.CloudFrontOriginAccessIdentity?.CloudFrontOriginAccessIdentityConfig?.Comment, "v2");
    assert.equal(updated.CloudFrontOriginAccessIdentity?.S3CanonicalUserId, created.CloudFrontOriginAccessIdentity?.S3CanonicalUserId);

    const distId = await createDistribution(cf(), distConfig(s3Origin({ S3OriginConfig: { OriginAccessIdentity: `origin-access-identity/cloudfront/${id}` } })));
    await expectServiceError(cf().send(new DeleteCloudFrontOriginAccessIdentityCommand({ Id: id, IfMatch: e2 })), 409, "CloudFrontOriginAccessIdentityInUse");
    await updateDistribution(cf(), distId, (c) => ({ ...c, Origins: { Quantity: 1, Items: [s3Origin()] } }));
    await expectServiceError(cf().send(new DeleteCloudFrontOriginAccessIdentityCommand({ Id: id })), 400, "InvalidIfMatchVersion");
    await expectServiceError(cf().send(new DeleteCloudFrontOriginAccessIdentityCommand({ Id: id, IfMatch: e1 })), 412, "PreconditionFailed");
    assert.equal((await cf().send(new DeleteCloudFrontOriginAccessIdentityCommand({ Id: id, IfMatch: e2 }))).$metadata.httpStatusCode, 204);
    for (const send of [
      () => cf().send(new GetCloudFrontOriginAccessIdentityCommand({ Id: id })),
      () => cf().send(new GetCloudFrontOriginAccessIdentityConfigCommand({ Id: id })),
      () => cf().send(new UpdateCloudFrontOriginAccessIdentityCommand({ Id: id, IfMatch: e2, CloudFrontOriginAccessIdentityConfig: next })),
      () => cf().send(new DeleteCloudFrontOriginAccessIdentityCommand({ Id: id, IfMatch: e2 })),
    ]) {
      await expectServiceError(send(), 404, "NoSuchCloudFrontOriginAccessIdentity");
    }
  });

  it("distributions refuse an unknown or malformed OriginAccessIdentity with InvalidOriginAccessIdentity, in create and update", async () => {
    const oai = (await cf().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: ref("oai"), Comment: "" } })))
      .CloudFrontOriginAccessIdentity?.Id ?? assert.fail("no id");
    const withOai = (value: string) => distConfig(s3Origin({ S3OriginConfig: { OriginAccessIdentity: value } }));
    const distId = await createDistribution(cf(), withOai(`origin-access-identity/cloudfront/${oai}`));
    for (const value of ["origin-access-identity/cloudfront/E0UNKNOWNOAI00", oai, "origin-access-identity/E0UNKNOWNOAI00"]) {
      await expectServiceError(cf().send(new CreateDistributionCommand({ DistributionConfig: withOai(value) })), 400, "InvalidOriginAccessIdentity");
    }
    await expectServiceError(
      updateDistribution(cf(), distId, (c) => ({ ...c, Origins: { Quantity: 1, Items: [s3Origin({ S3OriginConfig: { OriginAccessIdentity: "origin-access-identity/cloudfront/E0UNKNOWNOAI00" } })] } })),
      400,
      "InvalidOriginAccessIdentity",
    );
  });

  it("ListCloudFrontOriginAccessIdentities pages with Marker, MaxItems, IsTruncated and NextMarker", async () => {
    const all = (await cf().send(new ListCloudFrontOriginAccessIdentitiesCommand({}))).CloudFrontOriginAccessIdentityList ?? assert.fail("no list");
    assert.ok((all.Quantity ?? 0) >= 3);
    assert.equal(all.IsTruncated, false);
    for (const s of all.Items ?? []) assert.match(s.S3CanonicalUserId ?? "", /^[0-9a-f]{64}$/);
    const first = (await cf().send(new ListCloudFrontOriginAccessIdentitiesCommand({ MaxItems: 1 }))).CloudFrontOriginAccessIdentityList ?? assert.fail("no list");
    assert.equal(first.Quantity, 1);
    assert.equal(first.IsTruncated, true);
    assert.equal(first.NextMarker, first.Items?.[0]?.Id);
    const rest = (await cf().send(new ListCloudFrontOriginAccessIdentitiesCommand({ Marker: first.NextMarker }))).CloudFrontOriginAccessIdentityList ?? assert.fail("no list");
    assert.equal(rest.Marker, first.NextMarker);
    assert.deepEqual([...(first.Items ?? []), ...(rest.Items ?? [])].map((s) => s.Id), (all.Items ?? []).map((s) => s.Id));
  });
});

// ---------------------------------------------------------------------------------------------

describe("persistence of access-control resources", () => {
  it("public keys, key groups, OACs and OAIs survive a restart on the same data dir with their ids and ETags", async () => {
    const dir = mkdtempSync(join(tmpdir(), "minifront-access-"));
    try {
      const first = await startEmulator({ port: 0, dataDir: dir, logLevel: "warn" });
      const cf1 = cloudFrontClient(first.controlUrl);
      const key = await createKey(cf1, "persisted-key");
      const group = await createGroup(cf1, "persisted-group", [key.id]);
      const oac = await cf1.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig("persisted-oac") }));
      const oai = await cf1.send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "persisted", Comment: "c" } }));
      cf1.destroy();
      await first.dispose();

      const second = await startEmulator({ port: 0, dataDir: dir, logLevel: "warn" });
      const cf2 = cloudFrontClient(second.controlUrl);
      try {
        assert.equal((await cf2.send(new GetPublicKeyCommand({ Id: key.id }))).ETag, key.etag);
        assert.deepEqual((await cf2.send(new GetKeyGroupConfigCommand({ Id: group.id }))).KeyGroupConfig?.Items, [key.id]);
        assert.equal((await cf2.send(new GetOriginAccessControlCommand({ Id: oac.OriginAccessControl?.Id }))).ETag, oac.ETag);
        const gotOai = await cf2.send(new GetCloudFrontOriginAccessIdentityCommand({ Id: oai.CloudFrontOriginAccessIdentity?.Id }));
        assert.equal(gotOai.CloudFrontOriginAccessIdentity?.S3CanonicalUserId, oai.CloudFrontOriginAccessIdentity?.S3CanonicalUserId);
        // The in-use rules still hold after the restart.
        await expectServiceError(cf2.send(new DeletePublicKeyCommand({ Id: key.id, IfMatch: key.etag })), 409, "PublicKeyInUse");
      } finally {
        cf2.destroy();
        await second.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe("aws cloudfront (CLI v1) access-control commands", { skip: awsCliAvailable() ? false : AWS_CLI_MISSING }, () => {
  const t = useEmulator();
  const cloudfrontCli = useCloudFrontCli(() => t.emu.controlUrl);
  const aws = cloudfrontCli.json;


  it("create-public-key / create-key-group / list / get / delete with --if-match, as in the CLI examples", async () => {
    const file = join(cloudfrontCli.dir(), "pub-key-config.json");
    writeFileSync(file, JSON.stringify({ CallerReference: "cli-key", Name: "cli-key", EncodedKey: rsaPem(), Comment: "from the CLI" }));
    const key = await aws<{ PublicKey: { Id: string }; ETag: string; Location: string }>("create-public-key", "--public-key-config", `file://${file}`);
    assert.match(key.PublicKey.Id, PUBLIC_KEY_ID);
    assert.equal(key.Location, `${t.emu.controlUrl}/2020-05-31/public-key/${key.PublicKey.Id}`);
    const keys = await aws<{ PublicKeyList: { Items: Array<{ Id: string; Comment: string }> } }>("list-public-keys");
    assert.deepEqual(keys.PublicKeyList.Items.map((k) => [k.Id, k.Comment]), [[key.PublicKey.Id, "from the CLI"]]);

    const group = await aws<{ KeyGroup: { Id: string; KeyGroupConfig: { Items: string[] } }; ETag: string }>(
      "create-key-group",
      "--key-group-config",
      JSON.stringify({ Name: "cli-group", Items: [key.PublicKey.Id] }),
    );
    assert.deepEqual(group.KeyGroup.KeyGroupConfig.Items, [key.PublicKey.Id]);
    const got = await aws<{ KeyGroup: { Id: string }; ETag: string }>("get-key-group", "--id", group.KeyGroup.Id);
    assert.equal(got.ETag, group.ETag);
    const groups = await aws<{ KeyGroupList: { Items: Array<{ KeyGroup: { Id: string } }> } }>("list-key-groups");
    assert.deepEqual(groups.KeyGroupList.Items.map((g) => g.KeyGroup.Id), [group.KeyGroup.Id]);

    const refused = await runAws(["cloudfront", "delete-public-key", "--id", key.PublicKey.Id, "--if-match", key.ETag], { endpoint: t.emu.controlUrl, configDir: cloudfrontCli.dir() });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /PublicKeyInUse/);
    await aws("delete-key-group", "--id", group.KeyGroup.Id, "--if-match", group.ETag);
    await aws("delete-public-key", "--id", key.PublicKey.Id, "--if-match", key.ETag);
    // The CLI pages list-public-keys and prints nothing for an empty list.
    assert.deepEqual((await aws<{ PublicKeyList?: { Items?: unknown[] } }>("list-public-keys")).PublicKeyList?.Items ?? [], []);
  });

  it("create-origin-access-control and create-cloud-front-origin-access-identity with shorthand arguments", async () => {
    const oac = await aws<{ OriginAccessControl: { Id: string; OriginAccessControlConfig: OriginAccessControlConfig }; ETag: string }>(
      "create-origin-access-control",
      "--origin-access-control-config",
      "Name=cli-oac,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3",
    );
    assert.match(oac.OriginAccessControl.Id, RESOURCE_ID);
    assert.equal(oac.OriginAccessControl.OriginAccessControlConfig.SigningBehavior, "always");
    const list = await aws<{ OriginAccessControlList: { Items: Array<{ Id: string; Name: string }> } }>("list-origin-access-controls");
    assert.deepEqual(list.OriginAccessControlList.Items.map((o) => o.Name), ["cli-oac"]);

    const oai = await aws<{ CloudFrontOriginAccessIdentity: { Id: string; S3CanonicalUserId: string }; ETag: string }>(
      "create-cloud-front-origin-access-identity",
      "--cloud-front-origin-access-identity-config",
      "CallerReference=cli-oai,Comment=from the CLI",
    );
    assert.match(oai.CloudFrontOriginAccessIdentity.S3CanonicalUserId, /^[0-9a-f]{64}$/);
    const got = await aws<{ CloudFrontOriginAccessIdentityConfig: { Comment: string }; ETag: string }>("get-cloud-front-origin-access-identity-config", "--id", oai.CloudFrontOriginAccessIdentity.Id);
    assert.equal(got.CloudFrontOriginAccessIdentityConfig.Comment, "from the CLI");
    assert.equal(got.ETag, oai.ETag);
    await aws("delete-origin-access-control", "--id", oac.OriginAccessControl.Id, "--if-match", oac.ETag);
    await aws("delete-cloud-front-origin-access-identity", "--id", oai.CloudFrontOriginAccessIdentity.Id, "--if-match", oai.ETag);
  });
});
