// The dashboard's list of standard (legacy) log files (observe/standard-logs.ts): for each
// distribution whose Logging is enabled, the objects under `<Prefix><distribution-id>.` in its log
// bucket of the embedded S3, and their download. Not listed: files delivered to an external S3
// (--s3-endpoint), which the dashboard cannot read.
import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { CloudFrontState } from "../services/cloudfront/state.ts";
import type { S3Storage } from "../services/s3/storage.ts";
import { logBucketName } from "../observe/standard-logs.ts";
import { UiError } from "./http-io.ts";

export interface LogFile {
  readonly distributionId: string;
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly lastModified: number;
}

/** Most files listed per distribution, newest kept. */
const MAX_FILES = 1000;

export function logFiles(state: CloudFrontState, storage: S3Storage): LogFile[] {
  const out: LogFile[] = [];
  for (const d of state.listDistributions()) {
    const logging = d.config.Logging;
    if (logging?.Enabled !== true || !logging.Bucket) continue;
    const bucket = logBucketName(logging.Bucket);
    if (!storage.getBucket(bucket)) continue;
    const page = storage.list(bucket, { prefix: `${logging.Prefix ?? ""}${d.Id}.`, delimiter: undefined, after: "", maxKeys: MAX_FILES });
    for (const o of page.objects) out.push({ distributionId: d.Id, bucket, key: o.key, size: o.size, lastModified: o.lastModified });
  }
  return out.sort((a, b) => b.lastModified - a.lastModified);
}

/** Sends one log file as it is stored (gzip); only files the list shows can be downloaded. */
export async function sendLogFile(res: ServerResponse, state: CloudFrontState, storage: S3Storage, bucket: string, key: string): Promise<void> {
  if (!logFiles(state, storage).some((f) => f.bucket === bucket && f.key === key)) throw new UiError(404, "NoSuchLogFile", `s3://${bucket}/${key} is not a standard log file of a distribution`);
  const obj = storage.getObject(bucket, key);
  if (!obj) throw new UiError(404, "NoSuchLogFile", `s3://${bucket}/${key} is gone`);
  const name = key.slice(key.lastIndexOf("/") + 1).replace(/[^\w.-]/g, "_");
  res.writeHead(200, { "Content-Type": "application/gzip", "Content-Length": obj.size, "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" });
  await pipeline(storage.readBlob(obj.blob), res);
}
