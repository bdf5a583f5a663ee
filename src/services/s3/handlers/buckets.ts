// Buckets and their sub-resources: CreateBucket, HeadBucket, ListBuckets, DeleteBucket,
// GetBucketLocation, and policy / website / CORS / tagging configuration (stored and returned;
// the policy is enforced by the access-control issue, the website by the website endpoint).
// Follows the S3 API reference for each operation.
//
// CreateBucket on a bucket that already exists answers BucketAlreadyOwnedByYou (409) in every
// region; real S3 in us-east-1 answers 200 for that legacy case.
import type {
  CreateBucketRequest,
  CreateBucketOutput,
  DeleteBucketCorsRequest,
  DeleteBucketPolicyRequest,
  DeleteBucketRequest,
  DeleteBucketTaggingRequest,
  DeleteBucketWebsiteRequest,
  GetBucketCorsOutput,
  GetBucketCorsRequest,
  GetBucketLocationOutput,
  GetBucketLocationRequest,
  GetBucketPolicyOutput,
  GetBucketPolicyRequest,
  GetBucketTaggingOutput,
  GetBucketTaggingRequest,
  GetBucketWebsiteOutput,
  GetBucketWebsiteRequest,
  HeadBucketOutput,
  HeadBucketRequest,
  ListBucketsOutput,
  ListBucketsRequest,
  PutBucketCorsRequest,
  PutBucketPolicyRequest,
  PutBucketTaggingRequest,
  PutBucketWebsiteRequest,
} from "@aws-sdk/client-s3";
import { RESPONSE_STATUS } from "../../../api/rest-xml.ts";
import type { S3Context } from "../context.ts";
import type { BucketConfig, BucketRecord } from "../storage.ts";
import { s3fail } from "../errors.ts";
import { objectLockAtCreation } from "../object-lock-at-creation.ts";
import { messages } from "../messages.ts";
import { bucketAccessAtCreate } from "../write-checks.ts";
import { validateRoutingRules } from "../website-routing.ts";
import { validateCorsWildcards } from "../cors.ts";

type Ctx = S3Context;

/** Bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export function validBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !name.includes(".-") &&
    !name.includes("-.") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)
  );
}

/** The bucket, or NoSuchBucket. */
export function mustGetBucket(ctx: Ctx, name: string | undefined): BucketRecord {
  return ctx.service.storage.getBucket(name ?? "") ?? s3fail("NoSuchBucket", messages.noSuchBucket, { BucketName: name ?? "" });
}

export async function CreateBucket(input: CreateBucketRequest, ctx: Ctx): Promise<CreateBucketOutput> {
  const { Bucket, CreateBucketConfiguration } = input;
  const name = Bucket ?? "";
  if (!validBucketName(name)) s3fail("InvalidBucketName", messages.invalidBucketName, { BucketName: name });
  const { storage, clock, defaultRegion } = ctx.service;
  if (storage.getBucket(name)) s3fail("BucketAlreadyOwnedByYou", messages.bucketAlreadyOwnedByYou, { BucketName: name });
  const region = CreateBucketConfiguration?.LocationConstraint ?? defaultRegion;
  // Object Ownership and the ACL of x-amz-object-ownership / x-amz-acl (write-checks.ts).
  const access = bucketAccessAtCreate(input, ctx.service.owner.ID ?? "");
  storage.putBucket({ name, created: clock.now(), region: region === "EU" ? "eu-west-1" : region, config: { ...access, ...objectLockAtCreation(input.ObjectLockEnabledForBucket) } });
  return { Location: `/${name}` };
}

export function HeadBucket({ Bucket }: HeadBucketRequest, ctx: Ctx): HeadBucketOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  return { BucketRegion: bucket.region };
}

export function ListBuckets({ Prefix }: ListBucketsRequest, ctx: Ctx): ListBucketsOutput {
  const buckets = ctx.service.storage.listBuckets().filter((b) => !Prefix || b.name.startsWith(Prefix));
  return {
    Buckets: buckets.map((b) => ({ Name: b.name, CreationDate: new Date(b.created), BucketRegion: b.region })),
    Owner: ctx.service.owner,
    ...(Prefix ? { Prefix } : {}),
  };
}

export async function DeleteBucket({ Bucket }: DeleteBucketRequest, ctx: Ctx): Promise<Record<string, never>> {
  const bucket = mustGetBucket(ctx, Bucket);
  if (!ctx.service.storage.bucketIsEmpty(bucket.name)) s3fail("BucketNotEmpty", messages.bucketNotEmpty, { BucketName: bucket.name });
  await ctx.service.storage.deleteBucket(bucket.name);
  return {};
}

export function GetBucketLocation({ Bucket }: GetBucketLocationRequest, ctx: Ctx): GetBucketLocationOutput {
  const bucket = mustGetBucket(ctx, Bucket);
  // us-east-1 is reported as an empty LocationConstraint (GetBucketLocation API reference).
  return { LocationConstraint: (bucket.region === "us-east-1" ? "" : bucket.region) as GetBucketLocationOutput["LocationConstraint"] };
}

// ---- sub-resources: stored whole, returned as stored, removed on delete ----

/** Replaces some of a bucket's configurations; an `undefined` value removes that one. */
export function setConfig(ctx: Ctx, name: string | undefined, patch: Partial<BucketConfig>): void {
  const bucket = mustGetBucket(ctx, name);
  const config: BucketConfig = { ...bucket.config, ...patch };
  for (const k of Object.keys(patch) as Array<keyof BucketConfig>) if (patch[k] === undefined) delete config[k];
  ctx.service.storage.putBucket({ ...bucket, config });
}

function getConfig<K extends keyof BucketConfig>(ctx: Ctx, name: string | undefined, key: K, missing: [string, string]): NonNullable<BucketConfig[K]> {
  const bucket = mustGetBucket(ctx, name);
  return (bucket.config[key] ?? s3fail(missing[0], missing[1], { BucketName: bucket.name })) as NonNullable<BucketConfig[K]>;
}

export function PutBucketPolicy({ Bucket, Policy }: PutBucketPolicyRequest, ctx: Ctx): { [RESPONSE_STATUS]: number } {
  mustGetBucket(ctx, Bucket);
  let doc: unknown;
  try {
    doc = JSON.parse(Policy ?? "");
  } catch {
    s3fail("MalformedPolicy", messages.policyNotJson);
  }
  const statements = (doc as { Statement?: unknown } | null)?.Statement;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc) || !(Array.isArray(statements) || (typeof statements === "object" && statements !== null))) {
    s3fail("MalformedPolicy", messages.policyNoStatement);
  }
  setConfig(ctx, Bucket, { policy: Policy });
  // S3 answers 204 No Content here (PutBucketPolicy API reference); the model says 200.
  return { [RESPONSE_STATUS]: 204 };
}

export function GetBucketPolicy({ Bucket }: GetBucketPolicyRequest, ctx: Ctx): GetBucketPolicyOutput {
  return { Policy: getConfig(ctx, Bucket, "policy", ["NoSuchBucketPolicy", messages.noSuchBucketPolicy]) };
}

export function DeleteBucketPolicy({ Bucket }: DeleteBucketPolicyRequest, ctx: Ctx): Record<string, never> {
  setConfig(ctx, Bucket, { policy: undefined });
  return {};
}

export function PutBucketWebsite({ Bucket, WebsiteConfiguration }: PutBucketWebsiteRequest, ctx: Ctx): Record<string, never> {
  const w = WebsiteConfiguration ?? {};
  if (!w.RedirectAllRequestsTo && !w.IndexDocument?.Suffix) {
    s3fail("InvalidArgument", "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty", { ArgumentName: "IndexDocument" });
  }
  if (w.IndexDocument?.Suffix?.includes("/")) {
    s3fail("InvalidArgument", "The IndexDocument Suffix is not well formed", { ArgumentName: "IndexDocument" });
  }
  if (w.RedirectAllRequestsTo && (w.IndexDocument || w.ErrorDocument || w.RoutingRules?.length)) {
    s3fail("InvalidArgument", "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.", { ArgumentName: "RedirectAllRequestsTo" });
  }
  validateRoutingRules(w.RoutingRules); // website-routing.ts
  setConfig(ctx, Bucket, { website: w });
  return {};
}

export function GetBucketWebsite({ Bucket }: GetBucketWebsiteRequest, ctx: Ctx): GetBucketWebsiteOutput {
  return getConfig(ctx, Bucket, "website", ["NoSuchWebsiteConfiguration", messages.noSuchWebsiteConfiguration]) as GetBucketWebsiteOutput;
}

export function DeleteBucketWebsite({ Bucket }: DeleteBucketWebsiteRequest, ctx: Ctx): Record<string, never> {
  setConfig(ctx, Bucket, { website: undefined });
  return {};
}

export function PutBucketCors({ Bucket, CORSConfiguration }: PutBucketCorsRequest, ctx: Ctx): Record<string, never> {
  const rules = CORSConfiguration?.CORSRules ?? [];
  if (rules.length === 0 || rules.length > 100) s3fail("MalformedXML", messages.malformedXml);
  for (const r of rules) {
    if (!r.AllowedMethods?.length || !r.AllowedOrigins?.length) s3fail("MalformedXML", messages.malformedXml);
    for (const m of r.AllowedMethods) {
      if (!["GET", "PUT", "POST", "DELETE", "HEAD"].includes(m)) s3fail("InvalidRequest", `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
  }
  validateCorsWildcards(rules); // cors.ts
  setConfig(ctx, Bucket, { cors: { CORSRules: rules } });
  return {};
}

export function GetBucketCors({ Bucket }: GetBucketCorsRequest, ctx: Ctx): GetBucketCorsOutput {
  return getConfig(ctx, Bucket, "cors", ["NoSuchCORSConfiguration", messages.noSuchCorsConfiguration]) as GetBucketCorsOutput;
}

export function DeleteBucketCors({ Bucket }: DeleteBucketCorsRequest, ctx: Ctx): Record<string, never> {
  setConfig(ctx, Bucket, { cors: undefined });
  return {};
}

export function PutBucketTagging({ Bucket, Tagging }: PutBucketTaggingRequest, ctx: Ctx): { [RESPONSE_STATUS]: number } {
  const tags = Tagging?.TagSet ?? [];
  const keys = new Set<string>();
  for (const t of tags) {
    if (!t.Key || t.Key.length > 128 || (t.Value ?? "").length > 256) s3fail("InvalidTag", "The TagKey you have provided is invalid");
    if (keys.has(t.Key)) s3fail("InvalidTag", "Cannot provide multiple Tags with the same key");
    keys.add(t.Key);
  }
  if (tags.length > 50) s3fail("InvalidTag", "Object tags cannot be greater than 50");
  setConfig(ctx, Bucket, { tagging: { TagSet: tags } });
  // S3 answers 204 No Content here (PutBucketTagging API reference); the model says 200.
  return { [RESPONSE_STATUS]: 204 };
}

export function GetBucketTagging({ Bucket }: GetBucketTaggingRequest, ctx: Ctx): GetBucketTaggingOutput {
  return getConfig(ctx, Bucket, "tagging", ["NoSuchTagSet", messages.noSuchTagSet]) as GetBucketTaggingOutput;
}

export function DeleteBucketTagging({ Bucket }: DeleteBucketTaggingRequest, ctx: Ctx): Record<string, never> {
  setConfig(ctx, Bucket, { tagging: undefined });
  return {};
}
