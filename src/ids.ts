// Identifier formats (docs/control-plane.md §6). CloudFront ids are an upper-case letter and 13
// upper-case alphanumerics; the exact alphabet is unverified, these look like AWS's.
import { randomBytes, randomUUID } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export interface Ids {
  /** `E` + 13 characters: distributions, ETags, OAIs, OACs. */
  resourceId(prefix?: string): string;
  uuid(): string;
}

export const randomIds: Ids = {
  resourceId(prefix = "E") {
    const bytes = randomBytes(13);
    let out = prefix;
    for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
    return out;
  },
  uuid: () => randomUUID(),
};
