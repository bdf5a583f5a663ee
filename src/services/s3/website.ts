// S3 static website endpoint: `http://<bucket>.s3-website.localhost:<port>/` (and the AWS-style
// `<bucket>.s3-website[-.]<region>.amazonaws.com` host names), the usual CloudFront custom origin.
// Follows https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteHosting.html and its
// pages on index documents, error documents and redirects:
// - GET and HEAD only; a request for `/` or `.../` gets the index document of that "folder";
//   `/dir` without the slash, when `dir/<index>` exists, is redirected (302) to `/dir/`;
// - routing rules without HttpErrorCodeReturnedEquals apply before the lookup, those with it after
//   an error with that status (404 or 403); RedirectAllRequestsTo redirects everything
//   (website-routing.ts);
// - an object's x-amz-website-redirect-location answers 301 to that location;
// - requests are anonymous, so the bucket policy and ACLs decide (access.ts; "Setting permissions for
//   website access", S3 guide "Setting permissions for website access"): an object that is not public is 403
//   AccessDenied, and so is a missing one unless the policy also grants s3:ListBucket (the 403 vs
//   404 rule of GetObject). `--s3-access open` serves everything; `warn` (the default) serves
//   everything too, with one warning per bucket saying what S3 would refuse (access-warnings.ts);
// - an error serves the error document with the error's status (when it is readable), else S3's
//   HTML error page, which names a custom error document it could not retrieve (observed pages).
// Conditional GETs: If-None-Match, else If-Modified-Since (304). Not yet: If-Match / If-Unmodified-Since.
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { WebsiteConfiguration } from "@aws-sdk/client-s3";
import { redirectAllRequests, routingRedirect } from "./website-routing.ts";
import type { S3Storage, ObjectRecord } from "./storage.ts";
import type { S3Service } from "./context.ts";
import { DEFAULT_CONTENT_TYPE } from "./handlers/objects.ts";
import { notModified } from "../../http/conditional.ts";
import { contentRange, parseByteRange } from "../../http/byte-range.ts";
import { headerString } from "../../http/headers.ts";
import { ACCESS_MESSAGES, anonymousAccess } from "./access.ts";
import { messages } from "./messages.ts";

export interface WebsiteResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Readable;
}

export function serveWebsite(
  service: S3Service,
  bucketName: string,
  req: { method: string; path: string; host: string; headers: IncomingHttpHeaders; requestId: string; sourceIp?: string | undefined; secure?: boolean | undefined },
): WebsiteResponse {
  const storage = service.storage;
  if (req.method !== "GET" && req.method !== "HEAD") {
    return errorPage(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", req.requestId, { Method: req.method, ResourceType: "OBJECT" });
  }
  const bucket = storage.getBucket(bucketName);
  if (!bucket) return errorPage(404, "NoSuchBucket", messages.noSuchBucket, req.requestId, { BucketName: bucketName });
  const website = bucket.config.website as WebsiteConfiguration | undefined;
  if (!website) {
    return errorPage(404, "NoSuchWebsiteConfiguration", messages.noSuchWebsiteConfiguration, req.requestId, { BucketName: bucketName });
  }
  const protocol = req.secure === true ? "https" : "http";
  const all = redirectAllRequests(website, { key: "", path: req.path, host: req.host, protocol });
  if (all) return redirect(all.status, all.location);
  let key: string;
  try {
    key = decodeURIComponent(req.path.slice(1));
  } catch {
    return errorPage(400, "InvalidURI", "Couldn't parse the specified URI.", req.requestId, {});
  }
  const suffix = website.IndexDocument?.Suffix ?? "index.html";
  // Routing rules and redirects: website-routing.ts.
  const routing = { key, path: req.path, host: req.host, protocol } as const;
  const may = anonymousAccess(service, bucket, req);
  const readable = (k: string) => may("s3:GetObject", k);

  /** An error: a routing rule for its status, else the error document, else S3's page. */
  const failure = (status: number, code: string, message: string, details: Record<string, string>): WebsiteResponse => {
    const rule = routingRedirect(website, routing, status);
    if (rule) return redirect(rule.status, rule.location);
    const errorKey = website.ErrorDocument?.Key;
    if (!errorKey) return errorPage(status, code, message, req.requestId, details);
    if (!readable(errorKey)) return errorPage(status, code, message, req.requestId, details, { Code: "AccessDenied", Message: ACCESS_MESSAGES.accessDenied });
    const errorDoc = storage.getObject(bucket.name, errorKey);
    if (errorDoc) return serveObject(storage, errorDoc, status, {});
    return errorPage(status, code, message, req.requestId, details, { Code: "NoSuchKey", Message: messages.noSuchKey, Key: errorKey });
  };

  const before = routingRedirect(website, routing);
  if (before) return redirect(before.status, before.location);

  const lookup = key === "" || key.endsWith("/") ? key + suffix : key;
  if (!readable(lookup)) return failure(403, "AccessDenied", ACCESS_MESSAGES.accessDenied, {});
  const obj = storage.getObject(bucket.name, lookup);
  if (obj) {
    if (obj.meta.websiteRedirectLocation) return redirect(301, obj.meta.websiteRedirectLocation);
    return serveObject(storage, obj, 200, req.headers);
  }
  if (!key.endsWith("/") && key !== "" && readable(`${key}/${suffix}`) && storage.getObject(bucket.name, `${key}/${suffix}`)) {
    return redirect(302, `/${encodeURI(key)}/`);
  }
  // Without s3:ListBucket a missing key is indistinguishable from a private one: 403.
  if (!may("s3:ListBucket")) return failure(403, "AccessDenied", ACCESS_MESSAGES.accessDenied, {});
  return failure(404, "NoSuchKey", messages.noSuchKey, { Key: lookup });
}

function redirect(status: number, location: string): WebsiteResponse {
  return { status, headers: { Location: location, "Content-Length": "0" }, body: "" };
}

function serveObject(storage: S3Storage, obj: ObjectRecord, status: number, headers: IncomingHttpHeaders): WebsiteResponse {
  const base: Record<string, string> = {
    "Content-Type": obj.meta.contentType ?? DEFAULT_CONTENT_TYPE,
    ETag: obj.etag,
    "Last-Modified": new Date(obj.lastModified).toUTCString(),
    "Accept-Ranges": "bytes",
  };
  if (obj.meta.cacheControl) base["Cache-Control"] = obj.meta.cacheControl;
  if (obj.meta.contentEncoding) base["Content-Encoding"] = obj.meta.contentEncoding;
  if (obj.meta.contentDisposition) base["Content-Disposition"] = obj.meta.contentDisposition;
  if (obj.meta.expires) base["Expires"] = obj.meta.expires;
  for (const [k, v] of Object.entries(obj.meta.user ?? {})) base[`x-amz-meta-${k}`] = v;
  // Conditional GET and Range through the helpers the edge uses too (RFC 9110 §13.2.2, §14).
  if (status === 200 && notModified(headerString(headers["if-none-match"]), headerString(headers["if-modified-since"]), obj.etag, base["Last-Modified"])) {
    return { status: 304, headers: { ETag: obj.etag, "Last-Modified": base["Last-Modified"] as string }, body: "" };
  }
  const rangeHeader = headers["range"];
  if (status === 200 && typeof rangeHeader === "string") {
    const range = parseByteRange(rangeHeader, obj.size);
    if (range === "unsatisfiable") return { status: 416, headers: { "Content-Range": `bytes */${obj.size}` }, body: "" };
    if (range) {
      return {
        status: 206,
        headers: { ...base, "Content-Range": contentRange(range, obj.size), "Content-Length": String(range.end - range.start + 1) },
        body: storage.readBlob(obj.blob, range),
      };
    }
  }
  return { status, headers: { ...base, "Content-Length": String(obj.size) }, body: obj.size === 0 ? "" : storage.readBlob(obj.blob) };
}

/**
 * S3's HTML error page for website endpoints; `errorDocumentError` adds the section S3 appends when
 * the custom error document itself could not be served.
 */
function errorPage(status: number, code: string, message: string, requestId: string, details: Record<string, string>, errorDocumentError?: Record<string, string>): WebsiteResponse {
  const titles: Record<number, string> = { 400: "400 Bad Request", 403: "403 Forbidden", 404: "404 Not Found", 405: "405 Method Not Allowed" };
  const title = titles[status] ?? String(status);
  const items = [`<li>Code: ${code}</li>`, `<li>Message: ${message}</li>`, ...Object.entries(details).map(([k, v]) => `<li>${k}: ${escapeHtml(v)}</li>`), `<li>RequestId: ${requestId}</li>`];
  const nested = errorDocumentError
    ? `<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n${Object.entries(errorDocumentError)
        .map(([k, v]) => `<li>${k}: ${escapeHtml(v)}</li>`)
        .join("\n")}\n</ul>\n`
    : "";
  const body = `<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<ul>\n${items.join("\n")}\n</ul>\n${nested}<hr/>\n</body>\n</html>\n`;
  return { status, headers: { "Content-Type": "text/html; charset=utf-8", "Content-Length": String(Buffer.byteLength(body)) }, body };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
