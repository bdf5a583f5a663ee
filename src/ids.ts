// Identifier formats (docs/control-plane.md §6). CloudFront ids are an upper-case letter and 13
// upper-case alphanumerics; the exact alphabet is unverified, these look like AWS's.
import { randomBytes, randomUUID } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export interface Ids {
  /** `E` + 13 characters: distributions, ETags, OAIs, OACs. */
  resourceId(prefix?: string): string;
  uuid(): string;
}

// Random bytes drawn a pool at a time: one randomBytes call per id cost more than the rest of
// making it (a CreateDistribution makes two, bench/api-bench.ts).
const POOL_IDS = 256;
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomByteRun(n: number): Buffer {
  if (poolAt + n > pool.length) {
    pool = randomBytes(n * POOL_IDS);
    poolAt = 0;
  }
  const run = pool.subarray(poolAt, poolAt + n);
  poolAt += n;
  return run;
}

export const randomIds: Ids = {
  resourceId(prefix = "E") {
    const bytes = randomByteRun(13);
    let out = prefix;
    for (let i = 0; i < bytes.length; i++) out += ALPHANUMERIC[(bytes[i] as number) % ALPHANUMERIC.length];
    return out;
  },
  uuid: () => randomUUID(),
};
