// Stored continuous deployment policies (issue 17): which staging distribution a primary sends
// traffic to, and by which rule (understanding-continuous-deployment.html).
import type { ContinuousDeploymentPolicyConfig } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface ContinuousDeploymentPolicyRecord {
  /** A lower-case UUID (docs/control-plane.md §6). */
  readonly Id: string;
  readonly ETag: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  readonly config: ContinuousDeploymentPolicyConfig;
  /**
   * Moves when the policy or its session stickiness is switched on or off: CloudFront then resets
   * every session (understanding-continuous-deployment.html, "Session stickiness"), so the edge
   * ignores stickiness cookies of an older epoch.
   */
  readonly sessionEpoch: number;
}

export class ContinuousDeploymentPolicyStore extends ResourceStore<ContinuousDeploymentPolicyRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/continuous-deployment-policy", version);
  }

  /** The policy (other than `exceptId`) that names this staging DNS name, if any. */
  namingStaging(dnsName: string, exceptId?: string): ContinuousDeploymentPolicyRecord | undefined {
    const name = dnsName.toLowerCase();
    return this.find((p) => p.Id !== exceptId && (p.config.StagingDistributionDnsNames?.Items ?? []).some((n) => n.toLowerCase() === name));
  }
}
