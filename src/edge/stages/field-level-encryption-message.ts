// One value encrypted as an AWS Encryption SDK message, as CloudFront's field-level encryption
// produces it (CloudFront Developer Guide "Using field-level encryption to help protect sensitive
// data", "Decrypting data fields at your origin"): the data key wrapped with the profile's RSA public
// key by RSA-OAEP with SHA-256 ("CloudFront uses RSA/ECB/OAEPWithSHA-256AndMGF1Padding"), under the
// profile's provider id and the public key's name (the sample's PROVIDER_NAME and KEY_NAME).
//
// The message follows the AWS Encryption SDK "Message format reference", version 1, framed (4096-byte
// frames), with the algorithm suite the guide's sample decrypts by default: AES-256-GCM, HKDF with
// SHA-384, ECDSA P-384 signature (0x0378; non-committing, so decrypting needs a commitment policy that
// allows it, as AWS's own field-level encryption sample notes). Which suite CloudFront picks is not
// documented; any AWS Encryption SDK reads this one. Written here with node:crypto rather than with
// @aws-crypto/client-node, which takes ~0.8 s and ~13 MB to load for what is ~100 lines of framing;
// the tests decrypt with that SDK, so the two are checked against each other.
import { createCipheriv, constants, generateKeyPairSync, hkdfSync, publicEncrypt, randomBytes, sign, type KeyObject } from "node:crypto";

/** The key a profile's encryption entity names. */
export interface WrappingKey {
  /** The profile's ProviderId. */
  readonly providerId: string;
  /** The public key's Name, as CloudFront uses it for the key name. */
  readonly keyName: string;
  /** PEM SubjectPublicKeyInfo (RSA 2048). */
  readonly publicKeyPem: string;
}

const SUITE_ID = 0x0378;
const FRAME_LENGTH = 4096;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const PUBLIC_KEY_CONTEXT = "aws-crypto-public-key";
const FRAME_STRING = Buffer.from("AWSKMSEncryptionClient Frame");
const FINAL_FRAME_STRING = Buffer.from("AWSKMSEncryptionClient Final Frame");

/** `plaintext` as an AWS Encryption SDK message for `key`. */
export function encryptMessage(plaintext: Buffer, key: WrappingKey): Buffer {
  const dataKey = randomBytes(32);
  const messageId = randomBytes(16);
  const signer = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
  const context = new Map([[PUBLIC_KEY_CONTEXT, compressedPoint(signer.publicKey)]]);
  const wrapped = publicEncrypt({ key: key.publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, dataKey);
  const aad = serializeContext(context);
  const header = Buffer.concat([
    Buffer.from([0x01, 0x80]),
    u16(SUITE_ID),
    messageId,
    u16(aad.length),
    aad,
    u16(1),
    lengthPrefixed(Buffer.from(key.providerId)),
    lengthPrefixed(Buffer.from(key.keyName)),
    lengthPrefixed(wrapped),
    Buffer.from([0x02]), // framed content
    u32(0), // reserved
    Buffer.from([IV_LENGTH]),
    u32(FRAME_LENGTH),
  ]);
  const derived = Buffer.from(hkdfSync("sha384", dataKey, Buffer.alloc(0), Buffer.concat([u16(SUITE_ID), messageId]), 32));
  // Version 1 headers are authenticated with an all-zero IV (the derived key is unique per message).
  const headerAuth = Buffer.concat([Buffer.alloc(IV_LENGTH), seal(derived, Buffer.alloc(IV_LENGTH), Buffer.alloc(0), header).tag]);
  const parts: Buffer[] = [header, headerAuth];
  let seq = 1;
  let offset = 0;
  while (plaintext.length - offset > FRAME_LENGTH) {
    const chunk = plaintext.subarray(offset, offset + FRAME_LENGTH);
    const iv = frameIv(seq);
    const { ciphertext, tag } = seal(derived, iv, chunk, frameAad(messageId, FRAME_STRING, seq, chunk.length));
    parts.push(u32(seq), iv, ciphertext, tag);
    offset += FRAME_LENGTH;
    seq++;
  }
  const last = plaintext.subarray(offset);
  const iv = frameIv(seq);
  const { ciphertext, tag } = seal(derived, iv, last, frameAad(messageId, FINAL_FRAME_STRING, seq, last.length));
  parts.push(u32(0xffffffff), u32(seq), iv, u32(last.length), ciphertext, tag);
  const body = Buffer.concat(parts);
  // The footer: an ECDSA signature (DER) over everything before it.
  const signature = sign("sha384", body, signer.privateKey);
  return Buffer.concat([body, u16(signature.length), signature]);
}

function seal(key: Buffer, iv: Buffer, plaintext: Buffer, aad: Buffer): { ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/** Frame IVs are the sequence number, big-endian, right-aligned in zeros. */
function frameIv(seq: number): Buffer {
  const iv = Buffer.alloc(IV_LENGTH);
  iv.writeUInt32BE(seq, IV_LENGTH - 4);
  return iv;
}

function frameAad(messageId: Buffer, kind: Buffer, seq: number, length: number): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64BE(BigInt(length));
  return Buffer.concat([messageId, kind, u32(seq), len]);
}

/** The encryption context: pair count, then key/value pairs sorted by key, each length-prefixed. */
function serializeContext(context: ReadonlyMap<string, string>): Buffer {
  const pairs = [...context].map(([k, v]) => [Buffer.from(k), Buffer.from(v)] as const).sort((a, b) => Buffer.compare(a[0], b[0]));
  return Buffer.concat([u16(pairs.length), ...pairs.flatMap(([k, v]) => [lengthPrefixed(k), lengthPrefixed(v)])]);
}

/** The signing key's public point, compressed (0x02/0x03 and X), base64: how the SDK stores it in the context. */
function compressedPoint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: "jwk" });
  const x = Buffer.from(jwk.x as string, "base64url");
  const y = Buffer.from(jwk.y as string, "base64url");
  return Buffer.concat([Buffer.from([(y[y.length - 1] as number) & 1 ? 0x03 : 0x02]), x]).toString("base64");
}

function lengthPrefixed(b: Buffer): Buffer {
  return Buffer.concat([u16(b.length), b]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

