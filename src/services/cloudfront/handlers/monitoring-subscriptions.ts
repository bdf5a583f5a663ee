// Monitoring subscriptions: CreateMonitoringSubscription, GetMonitoringSubscription,
// DeleteMonitoringSubscription (CloudFront API reference; Developer Guide "Monitor CloudFront
// metrics with Amazon CloudWatch", "Turn on additional metrics"). One per distribution: with
// RealtimeMetricsSubscriptionStatus Enabled the distribution's additional metrics (CacheHitRate,
// OriginLatency, the per-status error rates) are counted from then on (src/observe/metric-history.ts)
// and served by the CloudWatch subset. A second create answers MonitoringSubscriptionAlreadyExists,
// a get or delete without one NoSuchMonitoringSubscription, an unknown distribution NoSuchDistribution.
// Not emulated: the cost of additional metrics.
import type {
  CreateMonitoringSubscriptionRequest,
  CreateMonitoringSubscriptionResult,
  DeleteMonitoringSubscriptionRequest,
  DeleteMonitoringSubscriptionResult,
  GetMonitoringSubscriptionRequest,
  GetMonitoringSubscriptionResult,
} from "@aws-sdk/client-cloudfront";
import { fail } from "../../../api/errors.ts";
import type { RequestContext } from "../../../api/service.ts";
import type { CloudFrontState } from "../state.ts";
import { messages } from "../messages.ts";

type Ctx = RequestContext<CloudFrontState>;

export function CreateMonitoringSubscription({ DistributionId, MonitoringSubscription }: CreateMonitoringSubscriptionRequest, ctx: Ctx): CreateMonitoringSubscriptionResult {
  const id = existing(ctx.service, DistributionId);
  if (ctx.service.monitoringSubscriptions.has(id)) fail("MonitoringSubscriptionAlreadyExists", `A monitoring subscription already exists for the specified distribution: ${id}.`);
  const status = MonitoringSubscription?.RealtimeMetricsSubscriptionConfig?.RealtimeMetricsSubscriptionStatus;
  if (status !== "Enabled" && status !== "Disabled") fail("InvalidArgument", `RealtimeMetricsSubscriptionStatus must be Enabled or Disabled, not ${String(status)}.`);
  const subscription = { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: status } };
  ctx.service.monitoringSubscriptions.put({ Id: id, subscription });
  return { MonitoringSubscription: subscription };
}

export function GetMonitoringSubscription({ DistributionId }: GetMonitoringSubscriptionRequest, ctx: Ctx): GetMonitoringSubscriptionResult {
  return { MonitoringSubscription: subscriptionOf(ctx.service, existing(ctx.service, DistributionId)).subscription };
}

export function DeleteMonitoringSubscription({ DistributionId }: DeleteMonitoringSubscriptionRequest, ctx: Ctx): DeleteMonitoringSubscriptionResult {
  const id = subscriptionOf(ctx.service, existing(ctx.service, DistributionId)).Id;
  ctx.service.monitoringSubscriptions.delete(id);
  return {};
}

function existing(state: CloudFrontState, id: string | undefined): string {
  if (id === undefined || !state.getDistribution(id)) fail("NoSuchDistribution", messages.noSuchDistribution(id ?? ""));
  return id;
}

function subscriptionOf(state: CloudFrontState, id: string) {
  return state.monitoringSubscriptions.get(id) ?? fail("NoSuchMonitoringSubscription", `A monitoring subscription does not exist for the specified distribution: ${id}.`);
}
