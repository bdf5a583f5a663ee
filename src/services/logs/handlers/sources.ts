// Delivery sources (CloudWatch Logs API Reference: PutDeliverySource, GetDeliverySource,
// DescribeDeliverySources, DeleteDeliverySource). minifront's only source of vended logs is a
// CloudFront distribution's ACCESS_LOGS ("Configure standard logging (v2)"); other resources are
// refused with a ValidationException naming what is supported. A name may be put again with the
// same resource and log type (its tags and configuration are replaced); another resource or log
// type under an existing name, or a second source for the same resource and log type, is a
// ConflictException. Not emulated: the source's status fields, resource policies.
import type {
  DeleteDeliverySourceRequest,
  DeliverySource,
  DescribeDeliverySourcesRequest,
  DescribeDeliverySourcesResponse,
  GetDeliverySourceRequest,
  GetDeliverySourceResponse,
  PutDeliverySourceRequest,
  PutDeliverySourceResponse,
} from "@aws-sdk/client-cloudwatch-logs";
import { fail } from "../../../api/errors.ts";
import { ACCESS_LOGS, CLOUDFRONT_SERVICE, distributionIdOf } from "../cloudfront-template.ts";
import type { DeliverySourceRecord } from "../state.ts";
import { messages } from "../messages.ts";
import { checkName, checkTags, logsArn, page, tagsMember, type Ctx } from "./common.ts";

export function sourceView(s: DeliverySourceRecord): DeliverySource {
  return {
    name: s.name,
    arn: s.arn,
    resourceArns: [...s.resourceArns],
    service: s.service,
    logType: s.logType,
    ...(s.deliverySourceConfiguration ? { deliverySourceConfiguration: { ...s.deliverySourceConfiguration } } : {}),
    ...tagsMember(s.tags),
  };
}

export function mustFindSource(ctx: Ctx, name: string): DeliverySourceRecord {
  return ctx.service.state.sources.get(name) ?? fail("ResourceNotFoundException", messages.noSuchSource(name));
}

export function PutDeliverySource(input: PutDeliverySourceRequest, ctx: Ctx): PutDeliverySourceResponse {
  const name = checkName("name", input.name ?? "");
  const resourceArn = input.resourceArn ?? "";
  const logType = input.logType ?? "";
  const distributionId = distributionIdOf(resourceArn);
  if (distributionId === undefined) fail("ValidationException", messages.unsupportedResource(resourceArn));
  if (logType !== ACCESS_LOGS) fail("ValidationException", messages.unsupportedLogType(logType, CLOUDFRONT_SERVICE));
  if (!ctx.service.distributionExists(distributionId)) fail("ResourceNotFoundException", messages.noSuchDistribution(resourceArn));
  const state = ctx.service.state;
  const existing = state.sources.get(name);
  if (existing && (existing.resourceArns[0] !== resourceArn || existing.logType !== logType)) fail("ConflictException", messages.sourceChanged(name));
  const other = state.sources.list().find((s) => s.name !== name && s.logType === logType && s.resourceArns.includes(resourceArn));
  if (other) fail("ConflictException", messages.sourceForResourceExists(other.name, resourceArn, logType));
  const record: DeliverySourceRecord = {
    name,
    arn: existing?.arn ?? logsArn(ctx, "delivery-source", name),
    resourceArns: [resourceArn],
    service: CLOUDFRONT_SERVICE,
    logType,
    ...(input.deliverySourceConfiguration ? { deliverySourceConfiguration: { ...input.deliverySourceConfiguration } } : {}),
    tags: checkTags(input.tags ?? existing?.tags),
  };
  state.sources.put(record);
  return { deliverySource: sourceView(record) };
}

export function GetDeliverySource(input: GetDeliverySourceRequest, ctx: Ctx): GetDeliverySourceResponse {
  return { deliverySource: sourceView(mustFindSource(ctx, input.name ?? "")) };
}

export function DescribeDeliverySources(input: DescribeDeliverySourcesRequest, ctx: Ctx): DescribeDeliverySourcesResponse {
  const wanted = input.resourceArns;
  const all = ctx.service.state.sources.list().filter((s) => !wanted || s.resourceArns.some((arn) => wanted.includes(arn)));
  const { items, token } = page(all, input.nextToken, input.limit);
  return { deliverySources: items.map(sourceView), ...token };
}

export function DeleteDeliverySource(input: DeleteDeliverySourceRequest, ctx: Ctx): void {
  const source = mustFindSource(ctx, input.name ?? "");
  const state = ctx.service.state;
  if (state.deliveries.list().some((d) => d.deliverySourceName === source.name)) fail("ConflictException", messages.sourceInUse(source.name));
  state.sources.delete(source.name);
}
