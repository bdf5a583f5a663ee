// The message writer checked against the AWS Encryption SDK for JavaScript: what it writes, the SDK
// decrypts with the RSA private key under the same provider id and key name (CloudFront Developer
// Guide "Decrypting data fields at your origin").
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { constants, generateKeyPairSync } from "node:crypto";
import { CommitmentPolicy, RawRsaKeyringNode, buildClient } from "@aws-crypto/client-node";
import { encryptMessage } from "./field-level-encryption-message.ts";

const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
const publicKeyPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
const privateKeyPem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
// CloudFront's messages are not key-committing (AWS's field-level encryption sample decrypts them
// with REQUIRE_ENCRYPT_ALLOW_DECRYPT).
const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);

function keyring(providerId: string, keyName: string) {
  return new RawRsaKeyringNode({ keyNamespace: providerId, keyName, rsaKey: { privateKey: privateKeyPem }, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" });
}

describe("encryptMessage", () => {
  for (const [label, size] of [["empty", 0], ["short", 16], ["exactly one frame", 4096], ["several frames", 16 * 1024 + 7]] as const) {
    it(`writes a message the AWS Encryption SDK decrypts (${label})`, async () => {
      const plaintext = Buffer.from(Array.from({ length: size }, (_, i) => i % 251));
      const message = encryptMessage(plaintext, { providerId: "DEMO", keyName: "DEMOKEY", publicKeyPem });
      const { plaintext: out, messageHeader } = await decrypt(keyring("DEMO", "DEMOKEY"), message);
      assert.deepEqual(Buffer.from(out), plaintext);
      assert.equal(messageHeader.suiteId, 0x0378);
      assert.equal(messageHeader.encryptedDataKeys[0]?.providerId, "DEMO");
      assert.equal(messageHeader.encryptedDataKeys[0]?.providerInfo, "DEMOKEY");
    });
  }

  it("cannot be decrypted under another provider id or key name", async () => {
    const message = encryptMessage(Buffer.from("4111111111111111"), { providerId: "DEMO", keyName: "DEMOKEY", publicKeyPem });
    await assert.rejects(decrypt(keyring("OTHER", "DEMOKEY"), message));
    await assert.rejects(decrypt(keyring("DEMO", "OTHERKEY"), message));
  });

  it("is different every time (a fresh data key and message id)", () => {
    const key = { providerId: "DEMO", keyName: "DEMOKEY", publicKeyPem };
    assert.notDeepEqual(encryptMessage(Buffer.from("x"), key), encryptMessage(Buffer.from("x"), key));
  });
});
