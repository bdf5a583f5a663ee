// Field-level encryption end to end (issue 17; CloudFront Developer Guide "Using field-level
// encryption to help protect sensitive data"): the twelve API operations through
// @aws-sdk/client-cloudfront on a real port, with AWS's in-use, not-found and association rules;
// then a form POSTed with curl over HTTPS reaches an HTTPS origin with the profile's fields
// encrypted, and the origin decrypts them with the AWS Encryption SDK for JavaScript and the private
// key ("Decrypting data fields at your origin": provider id from the profile, key name = the public
// key's name, RSA-OAEP with SHA-256).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { constants, generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import {
  CreateDistributionCommand,
  CreateFieldLevelEncryptionConfigCommand,
  CreateFieldLevelEncryptionProfileCommand,
  CreatePublicKeyCommand,
  DeleteDistributionCommand,
  DeleteFieldLevelEncryptionConfigCommand,
  DeleteFieldLevelEncryptionProfileCommand,
  DeletePublicKeyCommand,
  GetDistributionConfigCommand,
  GetFieldLevelEncryptionCommand,
  GetFieldLevelEncryptionConfigCommand,
  GetFieldLevelEncryptionProfileCommand,
  GetFieldLevelEncryptionProfileConfigCommand,
  ListFieldLevelEncryptionConfigsCommand,
  ListFieldLevelEncryptionProfilesCommand,
  UpdateDistributionCommand,
  UpdateFieldLevelEncryptionConfigCommand,
  UpdateFieldLevelEncryptionProfileCommand,
  type AllowedMethods,
  type CloudFrontClient,
  type DefaultCacheBehavior,
  type DistributionConfig,
  type FieldLevelEncryptionConfig,
  type FieldLevelEncryptionProfileConfig,
} from "@aws-sdk/client-cloudfront";
import { CommitmentPolicy, RawRsaKeyringNode, buildClient } from "@aws-crypto/client-node";
import { expectServiceError, useEmulator } from "../helpers/emulator.ts";
import { hasCurl } from "../helpers/curl.ts";

const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_METHODS: AllowedMethods = { Quantity: 7, Items: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } };
const FORM = "application/x-www-form-urlencoded";

const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
const publicKeyPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
const privateKeyPem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();

describe("field-level encryption", () => {
  const t = useEmulator({ httpsPort: 0 });
  let cf: CloudFrontClient;
  let refs = 0;
  let keyId = "";
  const received: { path: string; contentType: string; body: string }[] = [];
  let origin: Server;
  let originPort = 0;

  before(async () => {
    cf = t.cloudfront();
    const key = await cf.send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "fle-key", Name: "fle-demo-key", EncodedKey: publicKeyPem } }));
    keyId = key.PublicKey?.Id ?? assert.fail("no public key id");
    // An HTTPS origin (field-level encryption needs the origin reached over HTTPS), on the
    // emulator's own certificate; it records each body and answers 200.
    const tls = t.emu.tls ?? assert.fail("no TLS material");
    origin = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ path: req.url ?? "", contentType: req.headers["content-type"] ?? "", body: Buffer.concat(chunks).toString() });
        res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" }).end("stored");
      });
    });
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    originPort = (origin.address() as AddressInfo).port;
  });
  after(async () => {
    cf.destroy();
    origin.closeAllConnections();
    await new Promise((resolve) => origin.close(resolve));
  });

  function profileConfig(overrides: Partial<FieldLevelEncryptionProfileConfig> = {}): FieldLevelEncryptionProfileConfig {
    return {
      Name: `profile-${++refs}`,
      CallerReference: `profile-ref-${refs}`,
      Comment: "cards",
      EncryptionEntities: { Quantity: 1, Items: [{ PublicKeyId: keyId, ProviderId: "DEMO", FieldPatterns: { Quantity: 2, Items: ["CreditCard*", "ssn"] } }] },
      ...overrides,
    };
  }

  function encryptionConfig(profileId: string, overrides: Partial<FieldLevelEncryptionConfig> = {}): FieldLevelEncryptionConfig {
    return {
      CallerReference: `config-ref-${++refs}`,
      Comment: "form",
      ContentTypeProfileConfig: { ForwardWhenContentTypeIsUnknown: true, ContentTypeProfiles: { Quantity: 1, Items: [{ ContentType: FORM, Format: "URLEncoded", ProfileId: profileId }] } },
      QueryArgProfileConfig: { ForwardWhenQueryArgProfileIsUnknown: false, QueryArgProfiles: { Quantity: 0 } },
      ...overrides,
    };
  }

  async function profile(): Promise<{ id: string; etag: string }> {
    const out = await cf.send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig() }));
    return { id: out.FieldLevelEncryptionProfile?.Id ?? "", etag: out.ETag ?? "" };
  }

  async function config(profileId: string): Promise<{ id: string; etag: string }> {
    const out = await cf.send(new CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: encryptionConfig(profileId) }));
    return { id: out.FieldLevelEncryption?.Id ?? "", etag: out.ETag ?? "" };
  }

  function distributionConfig(fleId: string, behavior: Partial<DefaultCacheBehavior> = {}): DistributionConfig {
    return {
      CallerReference: `fle-dist-${++refs}`,
      Comment: "",
      Enabled: true,
      Origins: { Quantity: 1, Items: [{ Id: "app", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: originPort, OriginProtocolPolicy: "https-only" } }] },
      DefaultCacheBehavior: { TargetOriginId: "app", ViewerProtocolPolicy: "redirect-to-https", CachePolicyId: CACHING_DISABLED, AllowedMethods: ALL_METHODS, FieldLevelEncryptionId: fleId, ...behavior },
    };
  }

  describe("the API", () => {
    it("creates, reads, updates, lists and deletes profiles and configurations with ETags", async () => {
      const created = await cf.send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig() }));
      assert.equal(created.$metadata.httpStatusCode, 201);
      const p = created.FieldLevelEncryptionProfile ?? assert.fail("no profile");
      assert.match(p.Id ?? "", /^P[A-Z0-9]{13}$/);
      const got = await cf.send(new GetFieldLevelEncryptionProfileCommand({ Id: p.Id }));
      assert.equal(got.ETag, created.ETag);
      assert.deepEqual(got.FieldLevelEncryptionProfile?.FieldLevelEncryptionProfileConfig?.EncryptionEntities?.Items?.[0]?.FieldPatterns?.Items, ["CreditCard*", "ssn"]);
      const gotConfig = await cf.send(new GetFieldLevelEncryptionProfileConfigCommand({ Id: p.Id }));
      await expectServiceError(cf.send(new UpdateFieldLevelEncryptionProfileCommand({ Id: p.Id, IfMatch: "stale", FieldLevelEncryptionProfileConfig: gotConfig.FieldLevelEncryptionProfileConfig })), 412, "PreconditionFailed");
      const updated = await cf.send(new UpdateFieldLevelEncryptionProfileCommand({ Id: p.Id, IfMatch: gotConfig.ETag, FieldLevelEncryptionProfileConfig: { ...gotConfig.FieldLevelEncryptionProfileConfig, Comment: "changed" } as FieldLevelEncryptionProfileConfig }));
      assert.notEqual(updated.ETag, gotConfig.ETag);
      assert.equal(updated.FieldLevelEncryptionProfile?.FieldLevelEncryptionProfileConfig?.Comment, "changed");
      const profiles = await cf.send(new ListFieldLevelEncryptionProfilesCommand({}));
      assert.ok(profiles.FieldLevelEncryptionProfileList?.Items?.some((x) => x.Id === p.Id && x.Comment === "changed"));

      const c = await cf.send(new CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: encryptionConfig(p.Id ?? "") }));
      assert.equal(c.$metadata.httpStatusCode, 201);
      const cid = c.FieldLevelEncryption?.Id ?? assert.fail("no config");
      assert.match(cid, /^C[A-Z0-9]{13}$/);
      assert.equal((await cf.send(new GetFieldLevelEncryptionCommand({ Id: cid }))).ETag, c.ETag);
      const cc = await cf.send(new GetFieldLevelEncryptionConfigCommand({ Id: cid }));
      const cu = await cf.send(new UpdateFieldLevelEncryptionConfigCommand({ Id: cid, IfMatch: cc.ETag, FieldLevelEncryptionConfig: { ...cc.FieldLevelEncryptionConfig, Comment: "new" } as FieldLevelEncryptionConfig }));
      assert.equal(cu.FieldLevelEncryption?.FieldLevelEncryptionConfig?.Comment, "new");
      const configs = await cf.send(new ListFieldLevelEncryptionConfigsCommand({}));
      assert.ok(configs.FieldLevelEncryptionList?.Items?.some((x) => x.Id === cid && x.Comment === "new"));

      // A profile a configuration maps, and a key a profile uses, are in use.
      await expectServiceError(cf.send(new DeleteFieldLevelEncryptionProfileCommand({ Id: p.Id, IfMatch: updated.ETag })), 409, "FieldLevelEncryptionProfileInUse");
      await expectServiceError(cf.send(new DeleteFieldLevelEncryptionConfigCommand({ Id: cid })), 400, "InvalidIfMatchVersion");
      await cf.send(new DeleteFieldLevelEncryptionConfigCommand({ Id: cid, IfMatch: cu.ETag }));
      await expectServiceError(cf.send(new GetFieldLevelEncryptionCommand({ Id: cid })), 404, "NoSuchFieldLevelEncryptionConfig");
      await cf.send(new DeleteFieldLevelEncryptionProfileCommand({ Id: p.Id, IfMatch: updated.ETag }));
      await expectServiceError(cf.send(new GetFieldLevelEncryptionProfileCommand({ Id: p.Id })), 404, "NoSuchFieldLevelEncryptionProfile");
    });

    it("refuses what AWS refuses in profiles and configurations", async () => {
      const base = profileConfig();
      await cf.send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: base }));
      await expectServiceError(cf.send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: { ...base, CallerReference: "other-ref" } })), 409, "FieldLevelEncryptionProfileAlreadyExists");
      await expectServiceError(cf.send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: { ...base, Name: "other-name" } })), 409, "FieldLevelEncryptionProfileAlreadyExists");
      const entity = (patterns: string[], key = keyId) => ({ Quantity: 1, Items: [{ PublicKeyId: key, ProviderId: "DEMO", FieldPatterns: { Quantity: patterns.length, Items: patterns } }] });
      await expectServiceError(cf.send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig({ EncryptionEntities: entity(["a"], "KNOSUCHKEY0000") }) })), 404, "NoSuchPublicKey");
      // "if you have a field name pattern of ABC*, you can't add another field name pattern that is AB*"
      await expectServiceError(cf.send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig({ EncryptionEntities: entity(["ABC*", "AB*"]) }) })), 400, "InvalidArgument");
      await expectServiceError(cf.send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig({ EncryptionEntities: entity(Array.from({ length: 11 }, (_, i) => `f${i}x`)) }) })), 400, "TooManyFieldLevelEncryptionFieldPatterns");

      const { id: profileId } = await profile();
      const c = encryptionConfig(profileId);
      await cf.send(new CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: c }));
      await expectServiceError(cf.send(new CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: c })), 409, "FieldLevelEncryptionConfigAlreadyExists");
      await expectServiceError(cf.send(new CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: encryptionConfig("PNOSUCHPROFILE") })), 404, "NoSuchFieldLevelEncryptionProfile");
      const args = (n: number) => ({ ForwardWhenQueryArgProfileIsUnknown: true, QueryArgProfiles: { Quantity: n, Items: Array.from({ length: n }, (_, i) => ({ QueryArg: `arg${i}`, ProfileId: profileId })) } });
      await expectServiceError(cf.send(new CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: encryptionConfig(profileId, { QueryArgProfileConfig: args(6) }) })), 400, "TooManyFieldLevelEncryptionQueryArgProfiles");
      const json = { ForwardWhenContentTypeIsUnknown: true, ContentTypeProfiles: { Quantity: 1, Items: [{ ContentType: "application/json", Format: "URLEncoded" as const, ProfileId: profileId }] } };
      await expectServiceError(cf.send(new CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: encryptionConfig(profileId, { ContentTypeProfileConfig: json }) })), 400, "InvalidArgument");
    });

    it("a behavior must name an existing configuration, over HTTPS, with every method; a configuration in use stays", async () => {
      const { id: profileId } = await profile();
      const { id: fleId, etag } = await config(profileId);
      await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig("CNOSUCHCONFIG0") })), 404, "NoSuchFieldLevelEncryptionConfig");
      const illegal = "IllegalFieldLevelEncryptionConfigAssociationWithCacheBehavior";
      await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(fleId, { ViewerProtocolPolicy: "allow-all" }) })), 400, illegal);
      await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(fleId, { AllowedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } }) })), 400, illegal);
      const httpOrigin = distributionConfig(fleId);
      httpOrigin.Origins = { Quantity: 1, Items: [{ Id: "app", DomainName: "127.0.0.1", CustomOriginConfig: { HTTPPort: 8080, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] };
      await expectServiceError(cf.send(new CreateDistributionCommand({ DistributionConfig: httpOrigin })), 400, illegal);

      const dist = await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(fleId) }));
      const distId = dist.Distribution?.Id ?? assert.fail("no distribution");
      await expectServiceError(cf.send(new DeleteFieldLevelEncryptionConfigCommand({ Id: fleId, IfMatch: etag })), 409, "FieldLevelEncryptionConfigInUse");
      // Once no behavior names it (and the distribution is gone), it can go.
      const current = await cf.send(new GetDistributionConfigCommand({ Id: distId }));
      const off = { ...current.DistributionConfig, Enabled: false, DefaultCacheBehavior: { ...current.DistributionConfig?.DefaultCacheBehavior, FieldLevelEncryptionId: "" } } as DistributionConfig;
      const disabled = await cf.send(new UpdateDistributionCommand({ Id: distId, IfMatch: current.ETag, DistributionConfig: off }));
      await cf.send(new DeleteDistributionCommand({ Id: distId, IfMatch: disabled.ETag }));
      await cf.send(new DeleteFieldLevelEncryptionConfigCommand({ Id: fleId, IfMatch: etag }));
    });

    it("a public key a profile uses is PublicKeyInUse", async () => {
      const key = await cf.send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "fle-key-2", Name: "fle-key-2", EncodedKey: publicKeyPem } }));
      await cf.send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig({ EncryptionEntities: { Quantity: 1, Items: [{ PublicKeyId: key.PublicKey?.Id, ProviderId: "DEMO", FieldPatterns: { Quantity: 1, Items: ["pin"] } }] } }) }));
      await expectServiceError(cf.send(new DeletePublicKeyCommand({ Id: key.PublicKey?.Id, IfMatch: key.ETag })), 409, "PublicKeyInUse");
    });
  });

  describe("at the edge", { skip: !hasCurl() && "curl is not on PATH" }, () => {
    let domain = "";
    const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
    // "PROVIDER_NAME: You specified this value when you created a field-level encryption profile";
    // "KEY_NAME: You created a name for your public key when you uploaded it to CloudFront".
    const keyring = new RawRsaKeyringNode({ keyNamespace: "DEMO", keyName: "fle-demo-key", rsaKey: { privateKey: privateKeyPem }, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" });

    before(async () => {
      const { id: profileId } = await profile();
      const { id: fleId } = await config(profileId);
      const dist = await cf.send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(fleId) }));
      domain = dist.Distribution?.DomainName ?? assert.fail("no domain");
    });

    async function curlPost(path: string, body: string, contentType = FORM): Promise<{ status: string; body: string }> {
      const port = t.emu.httpsPort ?? assert.fail("no HTTPS port");
      const { stdout } = await promisify(execFile)(
        "curl",
        ["-s", "--cacert", t.emu.tls?.certPath ?? "", "--resolve", `${domain}:${port}:127.0.0.1`, "-H", `content-type: ${contentType}`, "--data-binary", body, "-w", "\n%{http_code}", `https://${domain}:${port}${path}`],
        { encoding: "utf8" },
      );
      const nl = stdout.lastIndexOf("\n");
      return { body: stdout.slice(0, nl), status: stdout.slice(nl + 1) };
    }

    it("encrypts the profile's form fields before the origin sees them; the origin decrypts them with the private key", async () => {
      const res = await curlPost("/checkout", "name=Jane+Doe&CreditCardNumber=4111+1111+1111+1111&ssn=123-45-6789&note=caf%C3%A9");
      assert.equal(res.status, "200", res.body);
      assert.equal(res.body, "stored");
      const seen = received.find((r) => r.path === "/checkout") ?? assert.fail("the origin got nothing");
      const fields = new URLSearchParams(seen.body);
      assert.equal(fields.get("name"), "Jane Doe", "fields the profile does not name are untouched");
      assert.equal(fields.get("note"), "café");
      assert.ok(seen.body.startsWith("name=Jane+Doe&"), "byte for byte");
      for (const [field, plain] of [["CreditCardNumber", "4111 1111 1111 1111"], ["ssn", "123-45-6789"]] as const) {
        const sealed = fields.get(field) ?? assert.fail(`no ${field} at the origin`);
        assert.ok(!seen.body.includes(plain.replace(/ /g, "+")), `${field} is not readable at the origin`);
        // "After encryption, the ciphertext is base64 encoded": decode, then the AWS Encryption SDK.
        const { plaintext, messageHeader } = await decrypt(keyring, Buffer.from(sealed, "base64"));
        assert.equal(Buffer.from(plaintext).toString(), plain);
        assert.equal(messageHeader.encryptedDataKeys[0]?.providerInfo, "fle-demo-key");
      }
    });

    it("forwards a content type the configuration does not list, untouched (ForwardWhenContentTypeIsUnknown)", async () => {
      const res = await curlPost("/json", '{"ssn":"123-45-6789"}', "application/json");
      assert.equal(res.status, "200");
      assert.equal(received.find((r) => r.path === "/json")?.body, '{"ssn":"123-45-6789"}');
    });

    it("refuses an fle-profile the configuration does not map (ForwardWhenQueryArgProfileIsUnknown false)", async () => {
      const before = received.length;
      const res = await curlPost("/checkout?fle-profile=unknown", "ssn=1");
      assert.equal(res.status, "400");
      assert.equal(received.length, before, "the origin was not asked");
    });
  });
});
