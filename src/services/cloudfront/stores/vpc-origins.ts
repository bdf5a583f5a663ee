// Stored VPC origins (CloudFront Developer Guide "Restrict access with VPC origins"): an
// Application or Network Load Balancer or an EC2 instance in a private subnet that distributions
// reach through an origin's VpcOriginConfig. Nothing is private here: the edge maps each one to a
// local host:port (`--vpc-origin`, src/edge/vpc-origin-map.ts).
import type { Tag, VpcOriginEndpointConfig } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface VpcOriginRecord {
  /** `vo_` + 22 alphanumerics (the prefix is AWS's; the length unverified). */
  readonly Id: string;
  /** `arn:aws:cloudfront::<account>:vpcorigin/<Id>`. */
  readonly Arn: string;
  readonly ETag: string;
  readonly createdAt: number;
  readonly lastModified: number;
  /** When the VPC origin reports Deployed (Deploying until then). */
  readonly deployAt: number;
  readonly config: VpcOriginEndpointConfig;
  readonly tags: readonly Tag[];
}

export class VpcOriginStore extends ResourceStore<VpcOriginRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/vpc-origin", version);
  }

  byArn(arn: string): VpcOriginRecord | undefined {
    return this.find((v) => v.Arn === arn);
  }
}
