// S3 "flexible checksums": CRC32, CRC32C, CRC64NVME, SHA1 and SHA256, computed incrementally and
// rendered the way S3 sends them in `x-amz-checksum-<alg>` headers and trailers: the base64 of the
// digest bytes, big-endian. Follows the S3 user guide ("Checking object integrity") and the CRC
// catalogue parameters (CRC-32/ISO-HDLC, CRC-32/ISCSI, CRC-64/NVME).
// Does not do: MD5 (Content-MD5 is a separate, older mechanism), XXHASH*, or the "composite"
// checksum-of-checksums that S3 reports for multipart objects (the caller combines part digests).
// CRC32C and CRC64NVME are table-driven, one byte at a time, so the emulator needs no native or
// npm dependency; that is fast enough for local test uploads.

import { createHash } from "node:crypto";
import type { Hash } from "node:crypto";
import { crc32 } from "node:zlib";

export type ChecksumAlgorithm = "CRC32" | "CRC32C" | "CRC64NVME" | "SHA1" | "SHA256";

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

export interface Checksum {
  update(chunk: Uint8Array): void;
  /** Base64 of the big-endian digest. May be called more than once; update() after it throws. */
  digest(): string;
}

/** `x-amz-checksum-crc32`, `x-amz-checksum-crc64nvme`, ... (always lower case). */
export function checksumHeaderName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

/** The algorithm named by an `x-amz-checksum-*` header or trailer name, any case. */
export function algorithmFromHeader(name: string): ChecksumAlgorithm | undefined {
  const lower = name.trim().toLowerCase();
  const prefix = "x-amz-checksum-";
  if (!lower.startsWith(prefix)) return undefined;
  return parseChecksumAlgorithm(lower.slice(prefix.length));
}

/** The algorithm named by an `x-amz-checksum-algorithm` / `x-amz-sdk-checksum-algorithm` value, any case. */
export function parseChecksumAlgorithm(value: string): ChecksumAlgorithm | undefined {
  const upper = value.trim().toUpperCase();
  return CHECKSUM_ALGORITHMS.find((a) => a === upper);
}

export function createChecksum(alg: ChecksumAlgorithm): Checksum {
  switch (alg) {
    case "CRC32":
      return new Crc32Checksum();
    case "CRC32C":
      return new Crc32cChecksum();
    case "CRC64NVME":
      return new Crc64NvmeChecksum();
    case "SHA1":
      return new HashChecksum("sha1");
    case "SHA256":
      return new HashChecksum("sha256");
  }
}

function uint32ToBase64(value: number): string {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out.toString("base64");
}

// The digest is cached and updates after it refused, so that every implementation behaves like
// node:crypto's Hash (which cannot be updated after digest) and a second digest() is harmless.
abstract class BaseChecksum implements Checksum {
  private result: string | undefined;
  update(chunk: Uint8Array): void {
    if (this.result !== undefined) throw new Error("checksum already digested");
    this.add(chunk);
  }
  digest(): string {
    this.result ??= this.finish();
    return this.result;
  }
  protected abstract add(chunk: Uint8Array): void;
  protected abstract finish(): string;
}

class Crc32Checksum extends BaseChecksum {
  private value = 0;
  protected add(chunk: Uint8Array): void {
    this.value = crc32(chunk, this.value);
  }
  protected finish(): string {
    return uint32ToBase64(this.value);
  }
}

// Reflected CRC-32C (Castagnoli): poly 0x82F63B78, init and xorout 0xFFFFFFFF.
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

class Crc32cChecksum extends BaseChecksum {
  private crc = 0xffffffff;
  protected add(chunk: Uint8Array): void {
    const table = CRC32C_TABLE;
    let crc = this.crc;
    for (let i = 0; i < chunk.length; i++) {
      crc = table[(crc ^ chunk[i]!) & 0xff]! ^ (crc >>> 8);
    }
    this.crc = crc;
  }
  protected finish(): string {
    return uint32ToBase64(~this.crc);
  }
}

// Reflected CRC-64/NVME: poly 0x9A6C9329AC4BC9B5, init and xorout all ones. The 64-bit register is
// kept as two uint32 halves because BigInt arithmetic per byte is roughly 50x slower.
const CRC64_TABLE_HI = new Uint32Array(256);
const CRC64_TABLE_LO = new Uint32Array(256);
(() => {
  const polyHi = 0x9a6c9329;
  const polyLo = 0xac4bc9b5;
  for (let n = 0; n < 256; n++) {
    let hi = 0;
    let lo = n;
    for (let k = 0; k < 8; k++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | (hi << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) {
        hi = (hi ^ polyHi) >>> 0;
        lo = (lo ^ polyLo) >>> 0;
      }
    }
    CRC64_TABLE_HI[n] = hi;
    CRC64_TABLE_LO[n] = lo;
  }
})();

class Crc64NvmeChecksum extends BaseChecksum {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  protected add(chunk: Uint8Array): void {
    const tHi = CRC64_TABLE_HI;
    const tLo = CRC64_TABLE_LO;
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < chunk.length; i++) {
      const idx = (lo ^ chunk[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ tLo[idx]!;
      hi = (hi >>> 8) ^ tHi[idx]!;
    }
    this.hi = hi;
    this.lo = lo;
  }
  protected finish(): string {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE(~this.hi >>> 0, 0);
    out.writeUInt32BE(~this.lo >>> 0, 4);
    return out.toString("base64");
  }
}

class HashChecksum extends BaseChecksum {
  private readonly hash: Hash;
  constructor(name: "sha1" | "sha256") {
    super();
    this.hash = createHash(name);
  }
  protected add(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }
  protected finish(): string {
    return this.hash.digest("base64");
  }
}
