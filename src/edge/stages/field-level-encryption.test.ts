// Field-level encryption at the edge: which profile a request gets (CloudFront Developer Guide "Using
// field-level encryption to help protect sensitive data", step 4), and what the form body becomes
// (fields named by the profile encrypted, decrypted back here with the AWS Encryption SDK).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { constants, generateKeyPairSync } from "node:crypto";
import { CommitmentPolicy, RawRsaKeyringNode, buildClient } from "@aws-crypto/client-node";
import { MAX_FIELD_BYTES, chooseProfile, encryptFormFields, formDecode, matchesPattern, type EncryptionPlan } from "./field-level-encryption.ts";
import { compileFieldLevelEncryption, type CompiledEncryptionProfile, type CompiledFieldLevelEncryption } from "./field-level-encryption-compile.ts";

const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
const publicKeyPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
const privateKeyPem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const keyring = new RawRsaKeyringNode({ keyNamespace: "DEMO", keyName: "demo-key", rsaKey: { privateKey: privateKeyPem }, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" });

const cards: CompiledEncryptionProfile = { id: "PCARDS", entities: [{ patterns: ["CreditCard*", "ssn"], key: { providerId: "DEMO", keyName: "demo-key", publicKeyPem } }] };
const other: CompiledEncryptionProfile = { id: "POTHER", entities: [{ patterns: ["phone"], key: { providerId: "DEMO", keyName: "demo-key", publicKeyPem } }] };
const FORM = "application/x-www-form-urlencoded";

function fle(overrides: Partial<CompiledFieldLevelEncryption> = {}): CompiledFieldLevelEncryption {
  return { contentTypes: new Map([[FORM, cards]]), forwardUnknownContentType: false, queryArgs: new Map([["other", other]]), forwardUnknownQueryArg: false, ...overrides };
}

const kind = (plan: EncryptionPlan) => (plan.kind === "encrypt" ? `encrypt ${plan.profile.id}` : plan.kind === "refuse" ? `refuse ${plan.status}` : "none");

describe("chooseProfile", () => {
  const cases: [string, CompiledFieldLevelEncryption, string, string | undefined, string, string][] = [
    ["a form POST uses the content type's profile", fle(), "POST", `${FORM}; charset=UTF-8`, "", "encrypt PCARDS"],
    ["fle-profile overrides the content type's profile", fle(), "POST", FORM, "fle-profile=other", "encrypt POTHER"],
    ["an unknown fle-profile is refused", fle(), "POST", FORM, "fle-profile=nope", "refuse 400"],
    ["an unknown fle-profile goes on when allowed", fle({ forwardUnknownQueryArg: true }), "POST", FORM, "fle-profile=nope", "none"],
    ["fle-profile is ignored without query argument mappings", fle({ queryArgs: undefined }), "POST", FORM, "fle-profile=nope", "encrypt PCARDS"],
    ["an unlisted content type is refused", fle(), "POST", "application/json", "", "refuse 400"],
    ["an unlisted content type goes on when allowed", fle({ forwardUnknownContentType: true }), "POST", "application/json", "", "none"],
    ["a listed content type without a profile always goes on", fle({ contentTypes: new Map([[FORM, null]]) }), "POST", FORM, "", "none"],
    ["GET is not encrypted", fle(), "GET", undefined, "", "none"],
    ["PUT is not encrypted (the guide names POST)", fle(), "PUT", FORM, "", "none"],
  ];
  for (const [name, config, method, type, query, expected] of cases) {
    it(name, () => assert.equal(kind(chooseProfile(config, method, type, query)), expected));
  }
});

describe("encryptFormFields", () => {
  it("encrypts the fields the profile names and leaves every other byte as sent", async () => {
    const body = Buffer.from("name=Jane+Doe&CreditCardNumber=4111+1111%2B1111&CreditCardExp=12%2F30&creditcard=lower&ssn=123-45-6789&note=a%26b");
    const out = encryptFormFields(body, cards);
    assert.ok(Buffer.isBuffer(out));
    const fields = new URLSearchParams(out.toString());
    assert.equal(fields.get("name"), "Jane Doe");
    assert.equal(fields.get("creditcard"), "lower", "patterns are case-sensitive");
    assert.equal(fields.get("note"), "a&b");
    assert.ok(out.toString().startsWith("name=Jane+Doe&"), "untouched fields keep their encoding");
    for (const [field, plain] of [["CreditCardNumber", "4111 1111+1111"], ["CreditCardExp", "12/30"], ["ssn", "123-45-6789"]] as const) {
      const sealed = fields.get(field) ?? assert.fail(`no ${field}`);
      assert.notEqual(sealed, plain);
      const { plaintext } = await decrypt(keyring, Buffer.from(sealed, "base64"));
      assert.equal(Buffer.from(plaintext).toString(), plain, field);
    }
  });

  it("returns the body itself when no field matches", () => {
    const body = Buffer.from("a=1&b=2");
    assert.equal(encryptFormFields(body, cards), body);
  });

  it("refuses a field to encrypt that is not valid percent-encoding, or too long", () => {
    const bad = encryptFormFields(Buffer.from("ssn=12%zz"), cards);
    assert.equal(Buffer.isBuffer(bad) ? "body" : bad.status, 400);
    const long = encryptFormFields(Buffer.from(`ssn=${"9".repeat(MAX_FIELD_BYTES + 1)}`), cards);
    assert.equal(Buffer.isBuffer(long) ? "body" : long.status, 400);
  });

  it("refuses more than 10 fields to encrypt in one request (CloudFront guide \"Quotas\")", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `CreditCard${i}=1`).join("&");
    const out = encryptFormFields(Buffer.from(eleven), cards);
    assert.equal(Buffer.isBuffer(out) ? "body" : out.status, 400);
    assert.ok(Buffer.isBuffer(encryptFormFields(Buffer.from(eleven.replace(/&CreditCard10=1$/, "")), cards)));
  });
});

describe("the pieces", () => {
  it("matches whole names, or prefixes before *", () => {
    assert.equal(matchesPattern("ssn", "ssn"), true);
    assert.equal(matchesPattern("ssn", "ssn2"), false);
    assert.equal(matchesPattern("Credit*", "CreditCard"), true);
    assert.equal(matchesPattern("Credit*", "credit"), false);
  });

  it("form-decodes to bytes", () => {
    assert.deepEqual(formDecode("a+b%2B%e2%82%ac"), Buffer.from("a b+€"));
    assert.equal(formDecode("%4"), undefined);
  });

  it("compiles a configuration with its profiles and keys", () => {
    const compiled = compileFieldLevelEncryption("C1", {
      fieldLevelEncryptionConfig: () => ({
        CallerReference: "r",
        ContentTypeProfileConfig: { ForwardWhenContentTypeIsUnknown: true, ContentTypeProfiles: { Quantity: 1, Items: [{ ContentType: FORM, Format: "URLEncoded", ProfileId: "P1" }] } },
        QueryArgProfileConfig: { ForwardWhenQueryArgProfileIsUnknown: false, QueryArgProfiles: { Quantity: 1, Items: [{ QueryArg: "cards", ProfileId: "P1" }] } },
      }),
      fieldLevelEncryptionProfile: () => ({ Name: "p", CallerReference: "r", EncryptionEntities: { Quantity: 1, Items: [{ PublicKeyId: "K1", ProviderId: "DEMO", FieldPatterns: { Quantity: 1, Items: ["ssn"] } }] } }),
      publicKey: () => ({ Name: "demo-key", CallerReference: "r", EncodedKey: publicKeyPem }),
    });
    assert.ok(compiled);
    assert.equal(compiled.forwardUnknownContentType, true);
    assert.equal(compiled.forwardUnknownQueryArg, false);
    const profile = compiled.contentTypes.get(FORM);
    assert.equal(profile?.entities[0]?.key.keyName, "demo-key", "the key name is the public key's Name");
    assert.equal(compiled.queryArgs?.get("cards"), profile, "one compiled profile per id");
  });
});
