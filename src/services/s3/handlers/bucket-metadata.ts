// S3 Metadata: CreateBucketMetadataConfiguration, GetBucketMetadataConfiguration,
// DeleteBucketMetadataConfiguration, the three Update*TableConfiguration operations, and the
// first-generation Create/Get/DeleteBucketMetadataTableConfiguration. Follows the API reference
// of each and "Accelerating data discovery with S3 Metadata" (S3 User Guide).
//
// What minifront does without S3 Tables: the configuration is validated (record expiration 7 days
// or more when enabled, ENABLED/DISABLED states, SSE algorithms, table bucket ARNs), stored, and
// reported as S3 reports it once its tables exist: in the AWS managed table bucket
// `aws-s3`, namespace `b_<bucket>`, tables `journal` and `inventory` with status ACTIVE (the
// first generation: the caller's table bucket and table name). No table is created and no
// metadata record is written; a second Create answers MetadataConfigurationAlreadyExists (409),
// reads and deletes of a bucket without one MetadataConfigurationNotFound (404).
import type {
  AnnotationTableConfiguration,
  CreateBucketMetadataConfigurationRequest,
  CreateBucketMetadataTableConfigurationRequest,
  DeleteBucketMetadataConfigurationRequest,
  DeleteBucketMetadataTableConfigurationRequest,
  GetBucketMetadataConfigurationOutput,
  GetBucketMetadataConfigurationRequest,
  GetBucketMetadataTableConfigurationOutput,
  GetBucketMetadataTableConfigurationRequest,
  InventoryTableConfiguration,
  JournalTableConfiguration,
  MetadataConfiguration,
  MetadataTableConfiguration,
  MetadataTableEncryptionConfiguration,
  UpdateBucketMetadataAnnotationTableConfigurationRequest,
  UpdateBucketMetadataInventoryTableConfigurationRequest,
  UpdateBucketMetadataJournalTableConfigurationRequest,
} from "@aws-sdk/client-s3";
import type { S3Context } from "../context.ts";
import type { BucketRecord } from "../storage.ts";
import { mustGetBucket, setConfig } from "./buckets.ts";
import { CONFIG_ERRORS, configFail, invalidArgument, malformedXml } from "../config-errors.ts";

type Ctx = S3Context;
type Empty = Record<string, never>;

/** "The minimum number of days is 7" for journal record expiration. */
const MIN_EXPIRATION_DAYS = 7;
const STATES = new Set(["ENABLED", "DISABLED"]);
const TABLE_BUCKET_ARN = /^arn:aws[a-z-]*:s3tables:[a-z0-9-]+:\d{12}:bucket\/[a-z0-9-]{3,63}$/;

function checkEncryption(e: MetadataTableEncryptionConfiguration | undefined): void {
  if (!e) return;
  if (e.SseAlgorithm !== "AES256" && e.SseAlgorithm !== "aws:kms") malformedXml();
  if (e.SseAlgorithm === "aws:kms" && !e.KmsKeyArn) invalidArgument("KmsKeyArn must be specified when SseAlgorithm is aws:kms", "KmsKeyArn");
  if (e.SseAlgorithm === "AES256" && e.KmsKeyArn) invalidArgument("KmsKeyArn can only be specified when SseAlgorithm is aws:kms", "KmsKeyArn");
}

function checkJournal(j: JournalTableConfiguration | undefined): JournalTableConfiguration {
  const exp = j?.RecordExpiration;
  if (!j || !exp || !STATES.has(exp.Expiration ?? "")) malformedXml();
  if (exp.Expiration === "ENABLED" && (exp.Days === undefined || exp.Days < MIN_EXPIRATION_DAYS)) {
    invalidArgument(`The record expiration days must be at least ${MIN_EXPIRATION_DAYS}`, "Days", String(exp.Days ?? ""));
  }
  if (exp.Expiration === "DISABLED" && exp.Days !== undefined) invalidArgument("Days cannot be specified when record expiration is disabled", "Days", String(exp.Days));
  checkEncryption(j.EncryptionConfiguration);
  return j;
}

function checkState<T extends { ConfigurationState?: string; EncryptionConfiguration?: MetadataTableEncryptionConfiguration }>(t: T | undefined): T | undefined {
  if (t === undefined) return undefined;
  if (!STATES.has(t.ConfigurationState ?? "")) malformedXml();
  checkEncryption(t.EncryptionConfiguration);
  return t;
}

function storedMetadata(ctx: Ctx, name: string | undefined): { bucket: BucketRecord; config: MetadataConfiguration } {
  const bucket = mustGetBucket(ctx, name);
  const config = (bucket.config.metadata as MetadataConfiguration | undefined) ?? configFail(CONFIG_ERRORS.noSuchMetadata, { BucketName: bucket.name });
  return { bucket, config };
}

export function CreateBucketMetadataConfiguration({ Bucket, MetadataConfiguration: given }: CreateBucketMetadataConfigurationRequest, ctx: Ctx): Empty {
  const bucket = mustGetBucket(ctx, Bucket);
  if (bucket.config.metadata) configFail(CONFIG_ERRORS.metadataExists, { BucketName: bucket.name });
  const config: MetadataConfiguration = {
    JournalTableConfiguration: checkJournal(given?.JournalTableConfiguration),
    ...(given?.InventoryTableConfiguration ? { InventoryTableConfiguration: checkState(given.InventoryTableConfiguration) } : {}),
    ...(given?.AnnotationTableConfiguration ? { AnnotationTableConfiguration: checkState(given.AnnotationTableConfiguration) } : {}),
  };
  setConfig(ctx, Bucket, { metadata: config });
  return {};
}

export function GetBucketMetadataConfiguration({ Bucket }: GetBucketMetadataConfigurationRequest, ctx: Ctx): GetBucketMetadataConfigurationOutput {
  const { bucket, config } = storedMetadata(ctx, Bucket);
  const { region } = bucket;
  const { accountId } = ctx.service;
  const tableBucketArn = `arn:aws:s3tables:${region}:${accountId}:bucket/aws-s3`;
  const namespace = `b_${bucket.name.replaceAll(/[.-]/g, "_")}`;
  const tableArn = (name: string) => `${tableBucketArn}/table/${namespace}.${name}`;
  const inventory = config.InventoryTableConfiguration;
  const annotation = config.AnnotationTableConfiguration;
  return {
    GetBucketMetadataConfigurationResult: {
      MetadataConfigurationResult: {
        DestinationResult: { TableBucketType: "aws", TableBucketArn: tableBucketArn, TableNamespace: namespace },
        JournalTableConfigurationResult: {
          TableStatus: "ACTIVE",
          TableName: "journal",
          TableArn: tableArn("journal"),
          RecordExpiration: config.JournalTableConfiguration?.RecordExpiration,
        },
        ...(inventory
          ? {
              InventoryTableConfigurationResult: {
                ConfigurationState: inventory.ConfigurationState,
                ...(inventory.ConfigurationState === "ENABLED" ? { TableStatus: "ACTIVE", TableName: "inventory", TableArn: tableArn("inventory") } : {}),
              },
            }
          : {}),
        ...(annotation ? { AnnotationTableConfigurationResult: { ConfigurationState: annotation.ConfigurationState, ...(annotation.Role ? { Role: annotation.Role } : {}) } } : {}),
      },
    },
  };
}

export function DeleteBucketMetadataConfiguration({ Bucket }: DeleteBucketMetadataConfigurationRequest, ctx: Ctx): Empty {
  storedMetadata(ctx, Bucket);
  setConfig(ctx, Bucket, { metadata: undefined });
  return {};
}

export function UpdateBucketMetadataJournalTableConfiguration({ Bucket, JournalTableConfiguration: j }: UpdateBucketMetadataJournalTableConfigurationRequest, ctx: Ctx): Empty {
  const { config } = storedMetadata(ctx, Bucket);
  const journal = checkJournal({ ...config.JournalTableConfiguration, RecordExpiration: j?.RecordExpiration });
  setConfig(ctx, Bucket, { metadata: { ...config, JournalTableConfiguration: journal } });
  return {};
}

export function UpdateBucketMetadataInventoryTableConfiguration({ Bucket, InventoryTableConfiguration: t }: UpdateBucketMetadataInventoryTableConfigurationRequest, ctx: Ctx): Empty {
  const { config } = storedMetadata(ctx, Bucket);
  const inventory = checkState<InventoryTableConfiguration>(t) ?? malformedXml();
  setConfig(ctx, Bucket, { metadata: { ...config, InventoryTableConfiguration: inventory } });
  return {};
}

export function UpdateBucketMetadataAnnotationTableConfiguration({ Bucket, AnnotationTableConfiguration: t }: UpdateBucketMetadataAnnotationTableConfigurationRequest, ctx: Ctx): Empty {
  const { config } = storedMetadata(ctx, Bucket);
  const annotation = checkState<AnnotationTableConfiguration>(t) ?? malformedXml();
  setConfig(ctx, Bucket, { metadata: { ...config, AnnotationTableConfiguration: annotation } });
  return {};
}

// ---- first generation: one journal table in the caller's table bucket ----

export function CreateBucketMetadataTableConfiguration({ Bucket, MetadataTableConfiguration: given }: CreateBucketMetadataTableConfigurationRequest, ctx: Ctx): Empty {
  const bucket = mustGetBucket(ctx, Bucket);
  if (bucket.config.metadataTable) configFail(CONFIG_ERRORS.metadataExists, { BucketName: bucket.name });
  const dest = given?.S3TablesDestination;
  if (!dest?.TableBucketArn || !dest.TableName) malformedXml();
  if (!TABLE_BUCKET_ARN.test(dest.TableBucketArn)) invalidArgument("Invalid table bucket ARN", "TableBucketArn", dest.TableBucketArn);
  if (!/^[a-z0-9_]{1,255}$/.test(dest.TableName)) invalidArgument("Invalid table name", "TableName", dest.TableName);
  setConfig(ctx, Bucket, { metadataTable: { S3TablesDestination: dest } satisfies MetadataTableConfiguration });
  return {};
}

export function GetBucketMetadataTableConfiguration({ Bucket }: GetBucketMetadataTableConfigurationRequest, ctx: Ctx): GetBucketMetadataTableConfigurationOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  const config = (bucket.config.metadataTable as MetadataTableConfiguration | undefined) ?? configFail(CONFIG_ERRORS.noSuchMetadataTable, { BucketName: bucket.name });
  const dest = config.S3TablesDestination ?? { TableBucketArn: "", TableName: "" };
  return {
    GetBucketMetadataTableConfigurationResult: {
      MetadataTableConfigurationResult: {
        S3TablesDestinationResult: {
          TableBucketArn: dest.TableBucketArn,
          TableName: dest.TableName,
          TableArn: `${dest.TableBucketArn}/table/aws_s3_metadata.${dest.TableName}`,
          TableNamespace: "aws_s3_metadata",
        },
      },
      Status: "ACTIVE",
    },
  };
}

export function DeleteBucketMetadataTableConfiguration({ Bucket }: DeleteBucketMetadataTableConfigurationRequest, ctx: Ctx): Empty {
  const bucket = mustGetBucket(ctx, Bucket);
  if (!bucket.config.metadataTable) configFail(CONFIG_ERRORS.noSuchMetadataTable, { BucketName: bucket.name });
  setConfig(ctx, Bucket, { metadataTable: undefined });
  return {};
}

export const HANDLERS = {
  CreateBucketMetadataConfiguration,
  GetBucketMetadataConfiguration,
  DeleteBucketMetadataConfiguration,
  UpdateBucketMetadataJournalTableConfiguration,
  UpdateBucketMetadataInventoryTableConfiguration,
  UpdateBucketMetadataAnnotationTableConfiguration,
  CreateBucketMetadataTableConfiguration,
  GetBucketMetadataTableConfiguration,
  DeleteBucketMetadataTableConfiguration,
};
