// Telling a browser form upload (POST Object, post-upload.ts) from the other requests: the router
// needs it before any handler runs, so it stands alone.
import type { IncomingHttpHeaders } from "node:http";

/** Whether a request is a browser form upload to a bucket: a multipart/form-data POST. */
export function isFormUpload(method: string, headers: IncomingHttpHeaders): boolean {
  return method === "POST" && /^multipart\/form-data\s*;/i.test(String(headers["content-type"] ?? ""));
}
