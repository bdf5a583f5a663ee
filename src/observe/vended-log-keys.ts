// Where a standard logging (v2) file goes in its S3 bucket (CloudFront Developer Guide,
// "Configure standard logging (v2)", "Send logs to Amazon S3", and the CloudWatch Logs User
// Guide's "Amazon S3 object key for V2 deliveries"):
//   <destination prefix>/<suffix path>/<distribution-id>.<yyyy-MM-dd-HH>.<unique>.gz
// - The destination ARN's path (`arn:aws:s3:::bucket/prefix`) is the prefix. A bare bucket gets
//   AWS's own prefix, `AWSLogs/<account-id>/CloudFront/` (`AWSLogs/aws-account-id=<account-id>/
//   CloudFront/` when Hive-compatible).
// - The suffix path's variables ({DistributionId}, {accountid}, {yyyy}, {MM}, {dd}, {HH}) are the
//   distribution and the hour of the request (UTC). With enableHiveCompatiblePath each variable
//   becomes `key=value`: the variable's own name for DistributionId (as written), aws-account-id,
//   year, month, day, hour.
// - The file name is the legacy log's; parquet files end in `.parquet` and are not gzipped.
import { SUFFIX_PATH_FIELDS, suffixVariableKey } from "../services/logs/cloudfront-template.ts";

export interface VendedKeyParts {
  /** The destination's `arn:aws:s3:::bucket[/prefix]`. */
  readonly destinationResourceArn: string;
  readonly suffixPath: string | undefined;
  readonly hive: boolean;
  readonly accountId: string;
  readonly distributionId: string;
  /** The request's time (ms since the epoch); the file holds that UTC hour. */
  readonly time: number;
  readonly unique: string;
  readonly extension: string;
}

/** The bucket and the prefix a destination ARN names (`arn:aws:s3:::bucket/some/prefix`). */
export function s3Destination(arn: string): { bucket: string; prefix: string } {
  const rest = arn.slice(arn.indexOf(":::") + 3);
  const slash = rest.indexOf("/");
  return slash < 0 ? { bucket: rest, prefix: "" } : { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1) };
}

/** The object key of one file. */
export function vendedLogKey(p: VendedKeyParts): string {
  const { prefix } = s3Destination(p.destinationResourceArn);
  const iso = new Date(p.time).toISOString();
  const values: Record<string, string> = {
    distributionid: p.distributionId,
    accountid: p.accountId,
    yyyy: iso.slice(0, 4),
    mm: iso.slice(5, 7),
    dd: iso.slice(8, 10),
    hh: iso.slice(11, 13),
  };
  const base = prefix !== "" ? prefix : p.hive ? `AWSLogs/aws-account-id=${p.accountId}/CloudFront/` : `AWSLogs/${p.accountId}/CloudFront/`;
  const suffix = (p.suffixPath ?? "").replace(/\{([^{}]*)\}/g, (_m, name: string) => {
    const key = suffixVariableKey(name);
    const value = values[key] ?? "";
    return p.hive ? `${SUFFIX_PATH_FIELDS.get(key) ?? name}=${value}` : value;
  });
  const file = `${p.distributionId}.${iso.slice(0, 13).replace("T", "-")}.${p.unique}.${p.extension}`;
  return joinKey([base, suffix, file]);
}

/** Joins key parts with single slashes: no leading slash, no empty segments from `a/` + `/b`. */
function joinKey(parts: readonly string[]): string {
  return parts
    .join("/")
    .split("/")
    .filter((s) => s !== "")
    .join("/");
}
