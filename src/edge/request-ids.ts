// X-Amz-Cf-Id: 56 characters of URL-safe base64 ending in `==`, as CloudFront's request ids look
// (docs/edge.md §14). 40 random characters per process and a 14-digit request counter (base 36,
// whose digits are base64url characters too): unique per request without a crypto or Buffer call
// each time.
import { randomBytes } from "node:crypto";

export function requestIds(): () => string {
  const prefix = randomBytes(30).toString("base64url");
  let n = 0;
  return () => `${prefix}${(++n).toString(36).padStart(14, "0")}==`;
}
