// Standard logging (legacy) delivery (CloudFront Developer Guide, "Configure standard logging
// (legacy)", "Standard logging reference"): a distribution whose DistributionConfig.Logging is
// Enabled gets gzip files in the named bucket, key `<Prefix><distribution-id>.YYYY-MM-DD-HH.<unique>.gz`,
// the hour being the one its requests happened in (UTC). Lines are buffered per distribution and
// hour and written out every `--log-delivery-interval` (AWS: up to several times an hour), at
// shutdown and on demand (flush). Files go through the S3 API to the embedded S3 or --s3-endpoint.
// With `--s3-access enforce` the bucket's ACL must grant the log delivery FULL_CONTROL (the
// awslogsdelivery account, or the LogDelivery group), as on AWS; otherwise the file is dropped with
// a warning. Not emulated: the ACL grant CloudFront adds itself when the caller may change the ACL.
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Logger } from "../log.ts";
import type { EdgeRecord } from "./edge-record.ts";
import type { RecordSink } from "./observer.ts";
import { STANDARD_LOG_HEADER, standardLogLine } from "./standard-log-format.ts";

/** A distribution's Logging, as read from its config when a request is logged. */
export interface LoggingSettings {
  readonly Enabled: boolean;
  readonly Bucket: string;
  readonly Prefix: string;
  readonly IncludeCookies: boolean;
}

export interface StandardLogDeps {
  /** The distribution's Logging, undefined when it has none (or no longer exists). */
  readonly loggingOf: (distributionId: string) => LoggingSettings | undefined;
  /** Writes one file; rejects when the bucket refuses it. */
  readonly put: (bucket: string, key: string, body: Buffer) => Promise<void>;
  /** Whether the bucket's ACL lets the log delivery write (only asked with enforced S3 access). */
  readonly deliveryAllowed: (bucket: string) => boolean;
  readonly log: Logger;
}

export interface StandardLogs {
  readonly sink: RecordSink;
  /** Writes every buffered line now; resolves when the files are stored. */
  flush(): Promise<void>;
}

interface Pending {
  readonly bucket: string;
  readonly key: string;
  readonly lines: string[];
}

/** Bucket name from Logging.Bucket (`amzn-s3-demo-bucket.s3.amazonaws.com`, or a plain name). */
export function logBucketName(bucket: string): string {
  const at = bucket.search(/\.s3[.-]/);
  return at < 0 ? bucket : bucket.slice(0, at);
}

/** The file's key for a distribution and an hour (UTC ms). */
export function logFileKey(prefix: string, distributionId: string, time: number, unique: string): string {
  const hour = new Date(time).toISOString().slice(0, 13).replace("T", "-");
  return `${prefix}${distributionId}.${hour}.${unique}.gz`;
}

export function createStandardLogs(deps: StandardLogDeps): StandardLogs {
  /** Buffered lines per distribution, bucket, prefix and hour. */
  let pending = new Map<string, Pending>();

  const sink: RecordSink = (r: EdgeRecord) => {
    const logging = deps.loggingOf(r.distributionId);
    if (!logging?.Enabled || !logging.Bucket) return;
    const bucket = logBucketName(logging.Bucket);
    const hour = Math.floor(r.time / 3_600_000);
    const id = `${r.distributionId}\u0001${bucket}\u0001${logging.Prefix}\u0001${hour}`;
    let p = pending.get(id);
    if (!p) pending.set(id, (p = { bucket, key: logFileKey(logging.Prefix, r.distributionId, r.time, randomBytes(4).toString("hex")), lines: [] }));
    p.lines.push(standardLogLine(r, logging.IncludeCookies));
  };

  async function flush(): Promise<void> {
    const files = [...pending.values()];
    pending = new Map();
    await Promise.all(
      files.map(async (f) => {
        if (!deps.deliveryAllowed(f.bucket)) {
          deps.log.warn(`standard logs: ${f.lines.length} lines for s3://${f.bucket}/${f.key} dropped: the bucket's ACL does not grant the log delivery (awslogsdelivery) FULL_CONTROL, as CloudFront needs`);
          return;
        }
        try {
          await deps.put(f.bucket, f.key, gzipSync(STANDARD_LOG_HEADER + f.lines.join("\n") + "\n"));
        } catch (err) {
          deps.log.warn(`standard logs: cannot write s3://${f.bucket}/${f.key}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
  }

  return { sink, flush };
}
