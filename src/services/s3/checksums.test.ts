import { describe, it } from "node:test";
import assert from "node:assert/strict";
// The SDK's own pure-JS implementations, as an independent reference (test-only imports; the
// product code must not depend on transitive SDK packages).
import { Crc32Js, Crc32cJs, Crc64NvmeJs } from "@aws-sdk/checksums/crc";
import { Sha1Js, Sha256Js } from "@aws-sdk/checksums/sha";
import {
  CHECKSUM_ALGORITHMS,
  algorithmFromHeader,
  checksumHeaderName,
  createChecksum,
  parseChecksumAlgorithm,
} from "./checksums.ts";
import type { ChecksumAlgorithm } from "./checksums.ts";
import { prng, randomBytes } from "../../../test/helpers/random.ts";

function digestHex(alg: ChecksumAlgorithm, ...chunks: Uint8Array[]): string {
  const c = createChecksum(alg);
  for (const chunk of chunks) c.update(chunk);
  return Buffer.from(c.digest(), "base64").toString("hex");
}

interface SdkChecksum {
  update(data: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}

const SDK_REFERENCE: Record<ChecksumAlgorithm, () => SdkChecksum> = {
  CRC32: () => new Crc32Js(),
  CRC32C: () => new Crc32cJs(),
  CRC64NVME: () => new Crc64NvmeJs(),
  SHA1: () => new Sha1Js(),
  SHA256: () => new Sha256Js(),
};

describe("createChecksum", () => {
  const ascii = new TextEncoder().encode("123456789");

  it("matches the catalogue check values for '123456789'", () => {
    assert.equal(digestHex("CRC32", ascii), "cbf43926");
    assert.equal(digestHex("CRC32C", ascii), "e3069283");
    assert.equal(digestHex("CRC64NVME", ascii), "ae8b14860a799888");
    assert.equal(digestHex("SHA1", ascii), "f7c3bc1d808e04732adf679965ccc34ca7ae3441");
    assert.equal(digestHex("SHA256", ascii), "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225");
  });

  it("renders digests as S3 does: base64 of big-endian bytes, 4 or 8 bytes for CRCs", () => {
    const crc32 = createChecksum("CRC32");
    crc32.update(ascii);
    assert.equal(crc32.digest(), "y/Q5Jg==");
    const crc64 = createChecksum("CRC64NVME");
    crc64.update(ascii);
    assert.equal(crc64.digest(), "rosUhgp5mIg=");
  });

  it("gives the well-known digests of empty input", () => {
    // S3 reports these for zero-byte objects (e.g. CRC64NVME "AAAAAAAAAAA=").
    const empty: Record<ChecksumAlgorithm, string> = {
      CRC32: "AAAAAA==",
      CRC32C: "AAAAAA==",
      CRC64NVME: "AAAAAAAAAAA=",
      SHA1: "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
      SHA256: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    };
    for (const alg of CHECKSUM_ALGORITHMS) assert.equal(createChecksum(alg).digest(), empty[alg], alg);
  });

  it("lets digest() be called twice and refuses update() after it", () => {
    for (const alg of CHECKSUM_ALGORITHMS) {
      const c = createChecksum(alg);
      c.update(ascii);
      const first = c.digest();
      assert.equal(c.digest(), first, alg);
      assert.throws(() => c.update(ascii), /already digested/, alg);
    }
  });

  for (const alg of CHECKSUM_ALGORITHMS) {
    it(`${alg}: agrees with the AWS SDK's implementation on random data in random chunks`, async () => {
      const seed = 0x5eed0000 + alg.length;
      const rand = prng(seed);
      for (let round = 0; round < 12; round++) {
        // Sizes cover empty, sub-word, odd and multi-megabyte (one round) inputs.
        const size = round === 0 ? 0 : round === 11 ? 3 * 1024 * 1024 + 7 : Math.floor(rand() * 70_000);
        const data = randomBytes(rand, size);
        const ours = createChecksum(alg);
        for (let pos = 0; pos < size; ) {
          const n = Math.min(size - pos, Math.floor(rand() * 9000));
          ours.update(data.subarray(pos, pos + n));
          pos += n;
        }
        const sdk = SDK_REFERENCE[alg]();
        sdk.update(data);
        const expected = Buffer.from(await sdk.digest()).toString("base64");
        assert.equal(ours.digest(), expected, `${alg} seed=${seed} round=${round} size=${size}`);
      }
    });
  }
});

describe("checksum header names", () => {
  it("maps each algorithm to its x-amz-checksum-* header and back", () => {
    assert.equal(checksumHeaderName("CRC32"), "x-amz-checksum-crc32");
    assert.equal(checksumHeaderName("CRC64NVME"), "x-amz-checksum-crc64nvme");
    for (const alg of CHECKSUM_ALGORITHMS) assert.equal(algorithmFromHeader(checksumHeaderName(alg)), alg);
    assert.equal(algorithmFromHeader("X-Amz-Checksum-CRC32C"), "CRC32C");
  });

  it("rejects names that are not checksum headers", () => {
    for (const name of ["x-amz-checksum-md5", "x-amz-checksum-", "x-amz-checksum-type", "x-amz-checksum-algorithm", "content-md5", "crc32"]) {
      assert.equal(algorithmFromHeader(name), undefined, name);
    }
  });

  it("parses algorithm names in any case", () => {
    assert.equal(parseChecksumAlgorithm("crc64nvme"), "CRC64NVME");
    assert.equal(parseChecksumAlgorithm("Sha256"), "SHA256");
    assert.equal(parseChecksumAlgorithm("MD5"), undefined);
  });
});
