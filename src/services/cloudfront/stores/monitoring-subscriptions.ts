// Stored monitoring subscriptions (additional CloudWatch metrics), one per distribution at most,
// keyed by the distribution's Id. A subscription changes what the metrics count, not what the
// edge serves, so changes do not move the configuration version the edge compiles against.
import type { MonitoringSubscription } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface MonitoringSubscriptionRecord {
  /** The distribution's Id. */
  readonly Id: string;
  readonly subscription: MonitoringSubscription;
}

export class MonitoringSubscriptionStore extends ResourceStore<MonitoringSubscriptionRecord> {
  constructor(docs: DocumentStore) {
    super(docs, "cloudfront/monitoring-subscription", new ConfigVersion());
  }

  /** Whether the distribution's additional metrics are on (RealtimeMetricsSubscriptionStatus Enabled). */
  additionalMetrics(distributionId: string): boolean {
    return this.get(distributionId)?.subscription.RealtimeMetricsSubscriptionConfig?.RealtimeMetricsSubscriptionStatus === "Enabled";
  }
}
