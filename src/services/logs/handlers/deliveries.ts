// Deliveries (CloudWatch Logs API Reference: CreateDelivery, GetDelivery, DescribeDeliveries,
// DeleteDelivery, UpdateDeliveryConfiguration) and the configuration template they are checked
// against (DescribeConfigurationTemplates). A delivery links one source to one destination; a
// source has at most one delivery per destination type (ConflictException). recordFields default
// to the legacy log's 33 fields; fields, delimiter and suffix-path variables must be in the
// template (services/logs/cloudfront-template.ts), else ValidationException.
//
// What GetDelivery returns: recordFields always; fieldDelimiter and s3DeliveryConfiguration's
// members only as the caller set them. AWS now prepends its `AWSLogs/<account>/CloudFront/` prefix
// to suffixPath in its answers and reports enableHiveCompatiblePath false when unset; Terraform
// providers before that change (such as 5.100.0) read either as drift, so minifront echoes the
// configuration and applies the prefix only when writing (observe/vended-log-keys.ts).
import type {
  ConfigurationTemplate,
  CreateDeliveryRequest,
  CreateDeliveryResponse,
  DeleteDeliveryRequest,
  Delivery,
  DescribeConfigurationTemplatesRequest,
  DescribeConfigurationTemplatesResponse,
  DescribeDeliveriesRequest,
  DescribeDeliveriesResponse,
  GetDeliveryRequest,
  GetDeliveryResponse,
  S3DeliveryConfiguration,
  UpdateDeliveryConfigurationRequest,
  UpdateDeliveryConfigurationResponse,
} from "@aws-sdk/client-cloudwatch-logs";
import { fail } from "../../../api/errors.ts";
import {
  ACCESS_LOGS,
  ALLOWED_RECORD_FIELDS,
  ALLOWED_SUFFIX_PATH_FIELDS,
  CLOUDFRONT_SERVICE,
  DEFAULT_RECORD_FIELDS,
  FIELD_DELIMITERS,
  OUTPUT_FORMATS,
  SUFFIX_PATH_FIELDS,
  suffixVariableKey,
} from "../cloudfront-template.ts";
import type { DeliveryRecord, S3DeliverySettings } from "../state.ts";
import { messages } from "../messages.ts";
import { checkTags, logsArn, page, tagsMember, type Ctx } from "./common.ts";
import { mustFindSource } from "./sources.ts";

/** Delivery ids: 16 letters and digits, like AWS's. */
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function deliveryView(d: DeliveryRecord): Delivery {
  return {
    id: d.id,
    arn: d.arn,
    deliverySourceName: d.deliverySourceName,
    deliveryDestinationArn: d.deliveryDestinationArn,
    deliveryDestinationType: d.deliveryDestinationType as Delivery["deliveryDestinationType"],
    recordFields: [...d.recordFields],
    ...(d.fieldDelimiter !== undefined ? { fieldDelimiter: d.fieldDelimiter } : {}),
    ...(d.s3DeliveryConfiguration ? { s3DeliveryConfiguration: { ...d.s3DeliveryConfiguration } } : {}),
    ...tagsMember(d.tags),
  };
}

function mustFindDelivery(ctx: Ctx, id: string): DeliveryRecord {
  return ctx.service.state.deliveries.get(id) ?? fail("ResourceNotFoundException", messages.noSuchDelivery(id));
}

function checkRecordFields(fields: readonly string[]): readonly string[] {
  const seen = new Set<string>();
  for (const f of fields) {
    if (!ALLOWED_RECORD_FIELDS.includes(f)) fail("ValidationException", messages.unknownField(f));
    if (seen.has(f)) fail("ValidationException", messages.duplicateField(f));
    seen.add(f);
  }
  return fields;
}

function checkDelimiter(value: string): string {
  if (!FIELD_DELIMITERS.includes(value)) fail("ValidationException", messages.enumValue("fieldDelimiter", value, FIELD_DELIMITERS.map((d) => JSON.stringify(d))));
  return value;
}

/** S3DeliveryConfiguration: suffixPath 1-256 characters whose `{variables}` the template allows. */
function checkS3Settings(settings: S3DeliveryConfiguration): S3DeliverySettings {
  const { suffixPath, enableHiveCompatiblePath } = settings;
  if (suffixPath !== undefined) {
    if (suffixPath.length < 1 || suffixPath.length > 256) fail("ValidationException", messages.length("s3DeliveryConfiguration.suffixPath", suffixPath, 1, 256));
    for (const m of suffixPath.matchAll(/\{([^{}]*)\}/g)) {
      if (!SUFFIX_PATH_FIELDS.has(suffixVariableKey(m[1] as string))) fail("ValidationException", messages.badSuffixPath(suffixPath, `unknown variable {${m[1]}}`));
    }
    if (/[{}]/.test(suffixPath.replace(/\{[^{}]*\}/g, ""))) fail("ValidationException", messages.badSuffixPath(suffixPath, "unbalanced braces"));
    // The guide: with Hive-compatible paths CloudFront writes the `key=` parts itself.
    if (enableHiveCompatiblePath === true && suffixPath.includes("=")) fail("ValidationException", messages.badSuffixPath(suffixPath, "Hive-compatible paths add the key= parts themselves"));
  }
  return { ...(suffixPath !== undefined ? { suffixPath } : {}), ...(enableHiveCompatiblePath !== undefined ? { enableHiveCompatiblePath } : {}) };
}

export function CreateDelivery(input: CreateDeliveryRequest, ctx: Ctx): CreateDeliveryResponse {
  const state = ctx.service.state;
  const source = mustFindSource(ctx, input.deliverySourceName ?? "");
  const destinationArn = input.deliveryDestinationArn ?? "";
  const destination = state.destinationByArn(destinationArn) ?? fail("ResourceNotFoundException", messages.noSuchDestinationArn(destinationArn));
  const type = destination.deliveryDestinationType;
  if (state.deliveries.list().some((d) => d.deliverySourceName === source.name && d.deliveryDestinationType === type)) fail("ConflictException", messages.deliveryExists(source.name, type));
  if (input.s3DeliveryConfiguration !== undefined && type !== "S3") fail("ValidationException", messages.notS3());
  const s3 = input.s3DeliveryConfiguration ? checkS3Settings(input.s3DeliveryConfiguration) : undefined;
  let id = deliveryId(ctx);
  while (state.deliveries.get(id)) id = deliveryId(ctx);
  const record: DeliveryRecord = {
    id,
    arn: logsArn(ctx, "delivery", id),
    deliverySourceName: source.name,
    deliveryDestinationArn: destination.arn,
    deliveryDestinationType: type,
    recordFields: checkRecordFields(input.recordFields ?? DEFAULT_RECORD_FIELDS),
    ...(input.fieldDelimiter !== undefined ? { fieldDelimiter: checkDelimiter(input.fieldDelimiter) } : {}),
    ...(s3 ? { s3DeliveryConfiguration: s3 } : {}),
    tags: checkTags(input.tags),
  };
  state.deliveries.put(record);
  return { delivery: deliveryView(record) };
}

/** 16 characters from ids.uuid() (which tests may make deterministic), mapped onto letters and digits. */
function deliveryId(ctx: Ctx): string {
  const hex = ctx.service.ids.uuid().replace(/-/g, "");
  let out = "";
  for (let i = 0; i < 16; i++) out += ID_ALPHABET[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % ID_ALPHABET.length];
  return out;
}

export function GetDelivery(input: GetDeliveryRequest, ctx: Ctx): GetDeliveryResponse {
  return { delivery: deliveryView(mustFindDelivery(ctx, input.id ?? "")) };
}

export function DescribeDeliveries(input: DescribeDeliveriesRequest, ctx: Ctx): DescribeDeliveriesResponse {
  const wanted = input.deliverySourceNames;
  const all = ctx.service.state.deliveries.list().filter((d) => !wanted || wanted.includes(d.deliverySourceName));
  const { items, token } = page(all, input.nextToken, input.limit);
  return { deliveries: items.map(deliveryView), ...token };
}

export function DeleteDelivery(input: DeleteDeliveryRequest, ctx: Ctx): void {
  ctx.service.state.deliveries.delete(mustFindDelivery(ctx, input.id ?? "").id);
}

/** Members left out keep their values (API Reference, UpdateDeliveryConfiguration). */
export function UpdateDeliveryConfiguration(input: UpdateDeliveryConfigurationRequest, ctx: Ctx): UpdateDeliveryConfigurationResponse {
  const delivery = mustFindDelivery(ctx, input.id ?? "");
  if (input.s3DeliveryConfiguration !== undefined && delivery.deliveryDestinationType !== "S3") fail("ValidationException", messages.notS3());
  const updated: DeliveryRecord = {
    ...delivery,
    ...(input.recordFields !== undefined ? { recordFields: checkRecordFields(input.recordFields) } : {}),
    ...(input.fieldDelimiter !== undefined ? { fieldDelimiter: checkDelimiter(input.fieldDelimiter) } : {}),
    ...(input.s3DeliveryConfiguration !== undefined ? { s3DeliveryConfiguration: checkS3Settings(input.s3DeliveryConfiguration) } : {}),
  };
  ctx.service.state.deliveries.put(updated);
  return {};
}

/** The one template minifront has: CloudFront distributions' ACCESS_LOGS to S3, CloudWatch Logs and Firehose. */
export function DescribeConfigurationTemplates(input: DescribeConfigurationTemplatesRequest, _ctx: Ctx): DescribeConfigurationTemplatesResponse {
  const templates: ConfigurationTemplate[] = (["S3", "CWL", "FH"] as const).map((type) => ({
    service: CLOUDFRONT_SERVICE,
    logType: ACCESS_LOGS,
    resourceType: "distribution",
    deliveryDestinationType: type,
    defaultDeliveryConfigValues: {
      recordFields: [...DEFAULT_RECORD_FIELDS],
      fieldDelimiter: "\t",
      ...(type === "S3" ? { s3DeliveryConfiguration: { suffixPath: "AWSLogs/{accountid}/CloudFront/", enableHiveCompatiblePath: false } } : {}),
    },
    allowedFields: ALLOWED_RECORD_FIELDS.map((name) => ({ name, mandatory: false })),
    allowedOutputFormats: type === "S3" ? [...OUTPUT_FORMATS] : OUTPUT_FORMATS.filter((f) => f !== "parquet"),
    allowedActionForAllowVendedLogsDeliveryForResource: "cloudfront:AllowVendedLogsDeliveryForResource",
    allowedFieldDelimiters: FIELD_DELIMITERS.filter((d) => d !== ""),
    ...(type === "S3" ? { allowedSuffixPathFields: [...ALLOWED_SUFFIX_PATH_FIELDS] } : {}),
  }));
  const matches = templates.filter(
    (t) =>
      (input.service === undefined || input.service === t.service) &&
      (!input.logTypes || input.logTypes.includes(t.logType as string)) &&
      (!input.resourceTypes || input.resourceTypes.includes(t.resourceType as string)) &&
      (!input.deliveryDestinationTypes || (input.deliveryDestinationTypes as readonly string[]).includes(t.deliveryDestinationType as string)),
  );
  const { items, token } = page(matches, input.nextToken, input.limit);
  return { configurationTemplates: items, ...token };
}
