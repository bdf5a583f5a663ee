// Delivery destinations (CloudWatch Logs API Reference: PutDeliveryDestination,
// GetDeliveryDestination, DescribeDeliveryDestinations, DeleteDeliveryDestination and the
// destination policy calls). The type comes from the destination resource's ARN: an S3 bucket
// (`arn:aws:s3:::bucket[/prefix]`), a log group (CWL) or a Firehose stream (FH). Only S3
// destinations receive logs in minifront (observe/vended-logs.ts); the others are stored and
// described. outputFormat is returned only when the caller gave one (deliveries write json
// otherwise): Terraform's aws_cloudwatch_log_delivery_destination reads it back as an optional,
// not computed, attribute. Not emulated: roleArn checks, cross-account delivery.
import type {
  DeleteDeliveryDestinationPolicyRequest,
  DeleteDeliveryDestinationRequest,
  DeliveryDestination,
  DescribeDeliveryDestinationsRequest,
  DescribeDeliveryDestinationsResponse,
  GetDeliveryDestinationPolicyRequest,
  GetDeliveryDestinationPolicyResponse,
  GetDeliveryDestinationRequest,
  GetDeliveryDestinationResponse,
  PutDeliveryDestinationPolicyRequest,
  PutDeliveryDestinationPolicyResponse,
  PutDeliveryDestinationRequest,
  PutDeliveryDestinationResponse,
} from "@aws-sdk/client-cloudwatch-logs";
import { fail } from "../../../api/errors.ts";
import { OUTPUT_FORMATS } from "../cloudfront-template.ts";
import type { DeliveryDestinationRecord } from "../state.ts";
import { messages } from "../messages.ts";
import { checkEnum, checkName, checkTags, logsArn, page, tagsMember, type Ctx } from "./common.ts";

/** The destination type from its resource ARN, or undefined for a resource that cannot receive logs. */
export function destinationTypeOf(arn: string): string | undefined {
  if (/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(arn)) return "S3";
  if (/^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[\w#/.-]+(:\*)?$/.test(arn)) return "CWL";
  if (/^arn:aws[a-z-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream\/[\w.-]+$/.test(arn)) return "FH";
  return undefined;
}

function destinationView(d: DeliveryDestinationRecord): DeliveryDestination {
  return {
    name: d.name,
    arn: d.arn,
    deliveryDestinationType: d.deliveryDestinationType as DeliveryDestination["deliveryDestinationType"],
    ...(d.outputFormat !== undefined ? { outputFormat: d.outputFormat as DeliveryDestination["outputFormat"] } : {}),
    deliveryDestinationConfiguration: { destinationResourceArn: d.destinationResourceArn },
    ...(d.roleArn !== undefined ? { roleArn: d.roleArn } : {}),
    ...tagsMember(d.tags),
  };
}

function mustFindDestination(ctx: Ctx, name: string): DeliveryDestinationRecord {
  return ctx.service.state.destinations.get(name) ?? fail("ResourceNotFoundException", messages.noSuchDestination(name));
}

export function PutDeliveryDestination(input: PutDeliveryDestinationRequest, ctx: Ctx): PutDeliveryDestinationResponse {
  const name = checkName("name", input.name ?? "");
  const outputFormat = input.outputFormat === undefined ? undefined : checkEnum("outputFormat", input.outputFormat, OUTPUT_FORMATS);
  const resourceArn = input.deliveryDestinationConfiguration?.destinationResourceArn ?? "";
  const type = destinationTypeOf(resourceArn) ?? fail("ValidationException", messages.unsupportedDestination(resourceArn));
  if (input.deliveryDestinationType !== undefined && input.deliveryDestinationType !== type) fail("ValidationException", messages.unsupportedDestination(resourceArn));
  const state = ctx.service.state;
  const existing = state.destinations.get(name);
  if (existing && existing.deliveryDestinationType !== type && state.deliveries.list().some((d) => d.deliveryDestinationArn === existing.arn)) {
    fail("ConflictException", messages.destinationTypeChanged(name));
  }
  const record: DeliveryDestinationRecord = {
    name,
    arn: existing?.arn ?? logsArn(ctx, "delivery-destination", name),
    deliveryDestinationType: type,
    ...(outputFormat !== undefined ? { outputFormat } : {}),
    destinationResourceArn: resourceArn,
    ...(input.roleArn !== undefined ? { roleArn: input.roleArn } : {}),
    ...(existing?.policy !== undefined ? { policy: existing.policy } : {}),
    tags: checkTags(input.tags ?? existing?.tags),
  };
  state.destinations.put(record);
  return { deliveryDestination: destinationView(record) };
}

export function GetDeliveryDestination(input: GetDeliveryDestinationRequest, ctx: Ctx): GetDeliveryDestinationResponse {
  return { deliveryDestination: destinationView(mustFindDestination(ctx, input.name ?? "")) };
}

export function DescribeDeliveryDestinations(input: DescribeDeliveryDestinationsRequest, ctx: Ctx): DescribeDeliveryDestinationsResponse {
  const wanted = input.names;
  const all = ctx.service.state.destinations.list().filter((d) => !wanted || wanted.includes(d.name));
  const { items, token } = page(all, input.nextToken, input.limit);
  return { deliveryDestinations: items.map(destinationView), ...token };
}

export function DeleteDeliveryDestination(input: DeleteDeliveryDestinationRequest, ctx: Ctx): void {
  const destination = mustFindDestination(ctx, input.name ?? "");
  const state = ctx.service.state;
  if (state.deliveries.list().some((d) => d.deliveryDestinationArn === destination.arn)) fail("ConflictException", messages.destinationInUse(destination.name));
  state.destinations.delete(destination.name);
}

export function PutDeliveryDestinationPolicy(input: PutDeliveryDestinationPolicyRequest, ctx: Ctx): PutDeliveryDestinationPolicyResponse {
  const destination = mustFindDestination(ctx, input.deliveryDestinationName ?? "");
  const policy = input.deliveryDestinationPolicy ?? "";
  ctx.service.state.destinations.put({ ...destination, policy });
  return { policy: { deliveryDestinationPolicy: policy } };
}

export function GetDeliveryDestinationPolicy(input: GetDeliveryDestinationPolicyRequest, ctx: Ctx): GetDeliveryDestinationPolicyResponse {
  const destination = mustFindDestination(ctx, input.deliveryDestinationName ?? "");
  return destination.policy === undefined ? { policy: {} } : { policy: { deliveryDestinationPolicy: destination.policy } };
}

export function DeleteDeliveryDestinationPolicy(input: DeleteDeliveryDestinationPolicyRequest, ctx: Ctx): void {
  const destination = mustFindDestination(ctx, input.deliveryDestinationName ?? "");
  if (destination.policy === undefined) fail("ResourceNotFoundException", messages.noSuchPolicy(destination.name));
  const { policy: _dropped, ...rest } = destination;
  ctx.service.state.destinations.put(rest);
}
