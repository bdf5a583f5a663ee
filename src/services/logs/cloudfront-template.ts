// What a CloudFront distribution's access logs may be configured with in "Standard logging (v2)"
// (CloudFront Developer Guide, "Configure standard logging (v2)": the output formats, the fields
// one may choose, the field delimiter, the S3 partitioning variables), as DescribeConfigurationTemplates
// reports it and as CreateDelivery / UpdateDeliveryConfiguration check it.
//
// The fields are the legacy log's 33 ("Standard logging reference", in its order, which is also the
// default when a delivery names none) followed by the real-time log fields the v2 guide lets one add.
// The list is our reading of the guide, not a copy of AWS's template answer; a field minifront has
// no value for is written as `-` (observe/vended-log-fields.ts says which).
import { STANDARD_LOG_FIELDS } from "../../observe/standard-log-format.ts";

export const CLOUDFRONT_SERVICE = "cloudfront";
export const ACCESS_LOGS = "ACCESS_LOGS";

/** Default record fields: the legacy log's, in its order. */
export const DEFAULT_RECORD_FIELDS: readonly string[] = STANDARD_LOG_FIELDS;

/** Fields the v2 guide adds from the real-time log field list. */
const EXTRA_FIELDS = [
  "timestamp(ms)", "timestamp", "DistributionId", "origin-fbl", "origin-lbl", "asn", "c-country", "c-ip-version",
  "cache-behavior-path-pattern", "cs-accept", "cs-accept-encoding", "cs-header-names", "cs-headers", "cs-headers-count",
  "primary-distribution-dns-name", "primary-distribution-id", "sr-reason",
] as const;

export const ALLOWED_RECORD_FIELDS: readonly string[] = [...STANDARD_LOG_FIELDS, ...EXTRA_FIELDS];

/** outputFormat values (CloudWatch Logs API Reference, PutDeliveryDestination). */
export const OUTPUT_FORMATS = ["json", "plain", "w3c", "raw", "parquet"] as const;

/** Field delimiters the guide offers for plain and w3c output; empty means the default (a tab). */
export const FIELD_DELIMITERS: readonly string[] = ["", "\t", "\\t", " ", ",", "|"];

/**
 * Variables an S3 suffix path may use, with their Hive-compatible key (`{yyyy}` → `year=2025`).
 * Matched without regard to case and dashes: configurations in the wild write `{DistributionId}`,
 * `{distributionid}`, `{accountid}` and `{account-id}`.
 */
export const SUFFIX_PATH_FIELDS: ReadonlyMap<string, string | undefined> = new Map([
  ["distributionid", undefined], // its Hive key is the variable as written
  ["accountid", "aws-account-id"],
  ["yyyy", "year"],
  ["mm", "month"],
  ["dd", "day"],
  ["hh", "hour"],
]);

/** The variable names DescribeConfigurationTemplates lists. */
export const ALLOWED_SUFFIX_PATH_FIELDS = ["DistributionId", "accountid", "yyyy", "MM", "dd", "HH"] as const;

/** `{account-id}` → `accountid`: how a suffix-path variable is looked up. */
export function suffixVariableKey(name: string): string {
  return name.toLowerCase().replace(/-/g, "");
}

/** A CloudFront distribution's ARN (`arn:aws:cloudfront::<account>:distribution/<id>`) → its id. */
export function distributionIdOf(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:cloudfront::\d{12}:distribution\/([A-Z0-9]+)$/.exec(arn)?.[1];
}
