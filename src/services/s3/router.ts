// S3 request routing. The S3 model's URI templates leave the bucket out (the SDK's endpoint rules
// put it in the host or the path), and several operations share a method and path, told apart
// by sub-resource query keys (`?uploads`, `?tagging`), required query members (`uploadId`,
// `partNumber`) and required headers (`x-amz-copy-source`). So:
// 1. find the bucket: the host's leading labels before a known S3 base host (virtual-hosted
//    style), else the first path segment (path style); the key is the rest of the path, decoded
//    as a whole so `a//b` and `dir/` survive;
// 2. among the operations on `/` (no key) or `/{Key+}` (a key) with the request's method, keep
//    those whose literal query keys and required query/header members are all present, and take
//    the one that asks for the most. The SDK's `x-id` marker is honoured when sent, not required
//    (the aws CLI does not send it).
// 3. two requests the model has no route for: a multipart/form-data POST to a bucket (browser
//    uploads, routed to PutObject) and ListDirectoryBuckets (`GET /?x-id=ListDirectoryBuckets`).
import type { IncomingHttpHeaders } from "node:http";
import type { OperationModel, ServiceModel } from "../../api/model.ts";
import { requiredMemberCount } from "../../api/model.ts";
import type { RouteMatch } from "../../api/router.ts";
import { hostWithoutPort } from "../../api/host.ts";
import { isFormUpload } from "./form-upload-request.ts";

/** Hosts that are S3 endpoints themselves: a name in front of one of them is a bucket. */
const BASE_HOSTS = [
  /^s3\.localhost\.localstack\.cloud$/,
  /^localhost\.localstack\.cloud$/,
  /^s3\.localhost$/,
  /^localhost$/,
  /^s3\.amazonaws\.com$/,
  /^s3[.-][a-z0-9-]+\.amazonaws\.com$/,
  /^s3\.dualstack\.[a-z0-9-]+\.amazonaws\.com$/,
];

/**
 * Hosts of S3 website endpoints: `<bucket>.s3-website.localhost`, LocalStack's
 * `<bucket>.s3-website.localhost.localstack.cloud`, AWS's `<bucket>.s3-website[-.]<region>.amazonaws.com`.
 */
const WEBSITE_HOST = /^(.+)\.s3-website(?:[.-][a-z0-9-]+)?\.(?:localhost|localhost\.localstack\.cloud|amazonaws\.com)$/;

export interface BucketAndKey {
  readonly bucket: string | undefined;
  readonly key: string | undefined;
}

/** The bucket named by a virtual-hosted-style host, if the host is one. */
export function bucketFromHost(host: string): string | undefined {
  const h = host.toLowerCase();
  for (const base of BASE_HOSTS) {
    const dot = h.indexOf(".");
    // Try every split point: "my.bucket.s3.localhost" → bucket "my.bucket".
    for (let i = dot; i > 0; i = h.indexOf(".", i + 1)) {
      if (base.test(h.slice(i + 1))) return h.slice(0, i);
    }
  }
  return undefined;
}

/** The bucket of a website-endpoint host, if the host is one. */
export function websiteBucketFromHost(host: string): string | undefined {
  return WEBSITE_HOST.exec(host.toLowerCase())?.[1];
}

/** Splits a request into bucket and key, virtual-hosted or path style. Undefined on bad encoding. */
export function bucketAndKey(host: string, rawPath: string): BucketAndKey | undefined {
  try {
    const vhost = bucketFromHost(host);
    if (vhost !== undefined) {
      const key = decodeURIComponent(rawPath.slice(1));
      return { bucket: vhost, key: key === "" ? undefined : key };
    }
    const rest = rawPath.slice(1);
    const slash = rest.indexOf("/");
    const bucket = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
    const key = slash < 0 ? "" : decodeURIComponent(rest.slice(slash + 1));
    return { bucket: bucket === "" ? undefined : bucket, key: key === "" ? undefined : key };
  } catch {
    return undefined;
  }
}

interface Candidate {
  readonly op: OperationModel;
  readonly literal: ReadonlyArray<[string, string]>;
  readonly requiredQuery: readonly string[];
  readonly requiredHeaders: readonly string[];
  readonly xId: string | undefined;
}

export interface S3Router {
  match(method: string, host: string, path: string, query: URLSearchParams, headers: IncomingHttpHeaders): RouteMatch | undefined;
}

export function createS3Router(model: ServiceModel): S3Router {
  const table = new Map<string, Candidate[]>();
  for (const op of model.operations.values()) {
    if (op.pathTemplate !== "/" && op.pathTemplate !== "/{Key+}") continue;
    const literal = Object.entries(op.literalQuery).filter(([k]) => k !== "x-id");
    const requiredQuery: string[] = [];
    const requiredHeaders: string[] = [];
    const required = requiredMemberCount(op.input);
    let i = 0;
    for (const [, member] of op.input.structIterator()) {
      if (i++ >= required) break;
      const t = member.getMergedTraits();
      if (typeof t.httpQuery === "string") requiredQuery.push(t.httpQuery);
      if (typeof t.httpHeader === "string") requiredHeaders.push(t.httpHeader.toLowerCase());
    }
    const slot = `${op.method} ${op.pathTemplate === "/" ? "bucket" : "object"}`;
    const list = table.get(slot) ?? [];
    list.push({ op, literal, requiredQuery, requiredHeaders, xId: op.literalQuery["x-id"] });
    table.set(slot, list);
  }
  const listBuckets = model.operations.get("ListBuckets");
  const listDirectoryBuckets = model.operations.get("ListDirectoryBuckets");
  const putObject = model.operations.get("PutObject");

  return {
    match(method, host, path, query, headers) {
      const where = bucketAndKey(hostWithoutPort(host), path);
      if (!where) return undefined;
      if (where.bucket === undefined) {
        // ListDirectoryBuckets is told from ListBuckets by its x-id alone (both are `GET /`).
        const op = query.get("x-id") === "ListDirectoryBuckets" ? listDirectoryBuckets : listBuckets;
        return method === "GET" && op ? { op, labels: {} } : undefined;
      }
      // A browser form upload (POST Object) has no operation of its own in the model: PutObject
      // with an empty key (no real request has one) takes it, and reads the key from the form
      // (post-upload.ts).
      if (where.key === undefined && putObject && isFormUpload(method, headers)) return { op: putObject, labels: { Bucket: where.bucket, Key: "" } };
      const slot = `${method} ${where.key === undefined ? "bucket" : "object"}`;
      const q = query;
      const xId = q.get("x-id");
      let best: Candidate | undefined;
      let bestScore = -1;
      for (const c of table.get(slot) ?? []) {
        if (c.op.name === "ListBuckets" || c.op.name === "ListDirectoryBuckets") continue;
        if (xId !== null && c.xId !== undefined && c.xId !== xId) continue;
        if (!c.literal.every(([k, v]) => q.has(k) && (v === "" || q.get(k) === v))) continue;
        if (!c.requiredQuery.every((k) => q.has(k))) continue;
        if (!c.requiredHeaders.every((h) => headers[h] !== undefined)) continue;
        const score = c.literal.length * 10 + c.requiredQuery.length + c.requiredHeaders.length + (xId !== null && c.xId === xId ? 100 : 0);
        if (score > bestScore) {
          best = c;
          bestScore = score;
        }
      }
      if (!best) return undefined;
      const labels: Record<string, string> = { Bucket: where.bucket };
      if (where.key !== undefined) labels["Key"] = where.key;
      return { op: best.op, labels };
    },
  };
}
