// The id-keyed bucket configurations: analytics, metrics, inventory and S3 Intelligent-Tiering
// (Put/Get/Delete/List each). Follows each operation's S3 API reference: an id of at most 64
// letters, digits, periods, dashes and underscores that matches the document's Id; at most 1,000
// configurations of a kind per bucket (TooManyConfigurations); NoSuchConfiguration (404) for an id
// that is not there; List answers up to 100 per page, ordered by id, with a continuation token.
//
// Stored and returned only: no storage class analysis runs, no CloudWatch request metrics are
// published, no inventory reports are written and no object changes tier.
import type {
  AnalyticsConfiguration,
  IntelligentTieringConfiguration,
  InventoryConfiguration,
  MetricsConfiguration,
} from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import { mustGetBucket, setConfig } from "./buckets.ts";
import { CONFIG_ERRORS, configFail, invalidArgument, malformedXml } from "../config-errors.ts";
import { bucketFromArn } from "../config-validation.ts";

type Ctx = S3Context;
type Empty = Record<string, never>;

/** "You can have up to 1,000 ... configurations per bucket." */
export const MAX_CONFIGURATIONS = 1000;
/** List*Configurations "returns up to 100 configurations at a time". */
export const LIST_PAGE_SIZE = 100;
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

interface SetKind<T> {
  /** Key under BucketConfig.configSets. */
  readonly key: string;
  /** The configuration's own checks beyond the id (MalformedXML / InvalidArgument). */
  readonly validate: (config: T) => void;
}

function setOf(ctx: Ctx, bucketName: string | undefined, key: string): Record<string, unknown> {
  return mustGetBucket(ctx, bucketName).config.configSets?.[key] ?? {};
}

function putInSet<T extends { Id?: string }>(ctx: Ctx, bucketName: string | undefined, kind: SetKind<T>, id: string | undefined, config: T | undefined): Empty {
  const bucket = mustGetBucket(ctx, bucketName);
  if (!id || !ID_PATTERN.test(id)) invalidArgument("The specified configuration id is not valid", "id", id ?? "");
  if (!config) malformedXml();
  if (config.Id !== id) invalidArgument("The Id in the request does not match the Id in the configuration", "id", id);
  kind.validate(config);
  const sets = { ...bucket.config.configSets };
  const current = { ...sets[kind.key] };
  if (!(id in current) && Object.keys(current).length >= MAX_CONFIGURATIONS) configFail(CONFIG_ERRORS.tooManyConfigurations);
  current[id] = JSON.parse(JSON.stringify(config)) as unknown;
  sets[kind.key] = current;
  setConfig(ctx, bucketName, { configSets: sets });
  return {};
}

function getFromSet<T>(ctx: Ctx, bucketName: string | undefined, kind: SetKind<T>, id: string | undefined): T {
  const found = setOf(ctx, bucketName, kind.key)[id ?? ""];
  return (found ?? configFail(CONFIG_ERRORS.noSuchConfiguration)) as T;
}

function deleteFromSet<T>(ctx: Ctx, bucketName: string | undefined, kind: SetKind<T>, id: string | undefined): Empty {
  const bucket = mustGetBucket(ctx, bucketName);
  const current = { ...bucket.config.configSets?.[kind.key] };
  if (!(id !== undefined && id in current)) configFail(CONFIG_ERRORS.noSuchConfiguration);
  delete current[id];
  const sets = { ...bucket.config.configSets, [kind.key]: current };
  if (Object.keys(current).length === 0) delete sets[kind.key];
  setConfig(ctx, bucketName, { configSets: Object.keys(sets).length ? sets : undefined });
  return {};
}

interface ListPage<T> {
  readonly items: T[];
  readonly IsTruncated: boolean;
  readonly ContinuationToken?: string;
  readonly NextContinuationToken?: string;
}

/** One page in id order; the token is the last id returned, opaque to the client. */
function listSet<T>(ctx: Ctx, bucketName: string | undefined, kind: SetKind<T>, token: string | undefined): ListPage<T> {
  const all = Object.entries(setOf(ctx, bucketName, kind.key)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let after = "";
  if (token !== undefined) {
    after = Buffer.from(token, "base64url").toString("utf8");
    if (!after.startsWith("id:")) invalidArgument("The continuation token provided is incorrect", "continuation-token", token);
    after = after.slice(3);
  }
  const rest = token === undefined ? all : all.filter(([id]) => id > after);
  const page = rest.slice(0, LIST_PAGE_SIZE);
  const truncated = rest.length > page.length;
  const last = page.at(-1)?.[0];
  return {
    items: page.map(([, c]) => c as T),
    IsTruncated: truncated,
    ...(token !== undefined ? { ContinuationToken: token } : {}),
    ...(truncated && last !== undefined ? { NextContinuationToken: Buffer.from(`id:${last}`).toString("base64url") } : {}),
  };
}

function atMostOnePredicate(filter: Record<string, unknown> | undefined): void {
  if (filter && Object.values(filter).filter((v) => v !== undefined).length > 1) malformedXml();
}

function checkDestinationArn(arn: string | undefined): void {
  if (!arn) malformedXml();
  if (!bucketFromArn(arn)) invalidArgument("Invalid bucket ARN", "Bucket", arn);
}

const ANALYTICS: SetKind<AnalyticsConfiguration> = {
  key: "analytics",
  validate(c) {
    atMostOnePredicate(c.Filter as Record<string, unknown> | undefined);
    if (!c.StorageClassAnalysis) malformedXml();
    const exp = c.StorageClassAnalysis.DataExport;
    if (exp) {
      if (exp.OutputSchemaVersion !== "V_1" || exp.Destination?.S3BucketDestination?.Format !== "CSV") malformedXml();
      checkDestinationArn(exp.Destination.S3BucketDestination.Bucket);
    }
  },
};

const METRICS: SetKind<MetricsConfiguration> = {
  key: "metrics",
  validate(c) {
    atMostOnePredicate(c.Filter as Record<string, unknown> | undefined);
  },
};

const INVENTORY_FIELDS = new Set([
  "Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded", "ReplicationStatus", "EncryptionStatus",
  "ObjectLockRetainUntilDate", "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
  "BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner", "LifecycleExpirationDate",
]);

const INVENTORY: SetKind<InventoryConfiguration> = {
  key: "inventory",
  validate(c) {
    const dest = c.Destination?.S3BucketDestination;
    if (!dest || c.IsEnabled === undefined || !c.Schedule?.Frequency) malformedXml();
    if (!["CSV", "ORC", "Parquet"].includes(dest.Format ?? "")) malformedXml();
    if (c.IncludedObjectVersions !== "All" && c.IncludedObjectVersions !== "Current") malformedXml();
    if (c.Schedule.Frequency !== "Daily" && c.Schedule.Frequency !== "Weekly") malformedXml();
    for (const f of c.OptionalFields ?? []) if (!INVENTORY_FIELDS.has(f)) malformedXml();
    checkDestinationArn(dest.Bucket);
  },
};

/** Archive Access: 90 to 730 days; Deep Archive Access: 180 to 730 ("How S3 Intelligent-Tiering works"). */
const TIER_DAYS: Readonly<Record<string, readonly [number, number]>> = { ARCHIVE_ACCESS: [90, 730], DEEP_ARCHIVE_ACCESS: [180, 730] };

const INTELLIGENT_TIERING: SetKind<IntelligentTieringConfiguration> = {
  key: "intelligentTiering",
  validate(c) {
    if (c.Status !== "Enabled" && c.Status !== "Disabled") malformedXml();
    if (!c.Tierings?.length) malformedXml();
    atMostOnePredicate(c.Filter as Record<string, unknown> | undefined);
    const seen = new Set<string>();
    for (const t of c.Tierings) {
      const range = TIER_DAYS[t.AccessTier ?? ""] ?? malformedXml();
      if (seen.has(t.AccessTier ?? "")) invalidArgument("Multiple tierings with the same access tier are not allowed", "AccessTier", t.AccessTier ?? "");
      seen.add(t.AccessTier ?? "");
      const days = t.Days ?? 0;
      if (days < range[0] || days > range[1]) {
        invalidArgument(`The number of days for ${t.AccessTier} must be between ${range[0]} and ${range[1]}`, "Days", String(days));
      }
    }
  },
};

type IdInput<K extends string, T> = { Bucket?: string; Id?: string } & { [P in K]?: T };
type ListInput = { Bucket?: string; ContinuationToken?: string };

/** The four operations of one kind, named as the S3 model names them. */
function operations<K extends string, L extends string, T extends { Id?: string }>(kind: SetKind<T>, payload: K, listMember: L) {
  return {
    put: (input: IdInput<K, T>, ctx: Ctx) => putInSet(ctx, input.Bucket, kind, input.Id, input[payload] as T | undefined),
    get: (input: IdInput<K, T>, ctx: Ctx) => ({ [payload]: getFromSet(ctx, input.Bucket, kind, input.Id) }) as { [P in K]: T },
    delete: (input: IdInput<K, T>, ctx: Ctx) => deleteFromSet(ctx, input.Bucket, kind, input.Id),
    list: (input: ListInput, ctx: Ctx) => {
      const { items, ...page } = listSet(ctx, input.Bucket, kind, input.ContinuationToken);
      return { ...page, ...(items.length ? { [listMember]: items } : {}) };
    },
  };
}

const analytics = operations(ANALYTICS, "AnalyticsConfiguration", "AnalyticsConfigurationList");
const metrics = operations(METRICS, "MetricsConfiguration", "MetricsConfigurationList");
const inventory = operations(INVENTORY, "InventoryConfiguration", "InventoryConfigurationList");
const tiering = operations(INTELLIGENT_TIERING, "IntelligentTieringConfiguration", "IntelligentTieringConfigurationList");

export const HANDLERS = {
  PutBucketAnalyticsConfiguration: analytics.put,
  GetBucketAnalyticsConfiguration: analytics.get,
  DeleteBucketAnalyticsConfiguration: analytics.delete,
  ListBucketAnalyticsConfigurations: analytics.list,
  PutBucketMetricsConfiguration: metrics.put,
  GetBucketMetricsConfiguration: metrics.get,
  DeleteBucketMetricsConfiguration: metrics.delete,
  ListBucketMetricsConfigurations: metrics.list,
  PutBucketInventoryConfiguration: inventory.put,
  GetBucketInventoryConfiguration: inventory.get,
  DeleteBucketInventoryConfiguration: inventory.delete,
  ListBucketInventoryConfigurations: inventory.list,
  PutBucketIntelligentTieringConfiguration: tiering.put,
  GetBucketIntelligentTieringConfiguration: tiering.get,
  DeleteBucketIntelligentTieringConfiguration: tiering.delete,
  ListBucketIntelligentTieringConfigurations: tiering.list,
};
