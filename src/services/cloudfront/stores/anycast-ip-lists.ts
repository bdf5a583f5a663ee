// Stored Anycast static IP lists (CloudFront Developer Guide, "Anycast static IPs"). The addresses
// are made up here, from the documentation ranges, since nothing routes them.
import type { IpamConfig, Tag } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface AnycastIpListRecord {
  /** `aip_` + 22 alphanumerics (the prefix is AWS's; the length unverified). */
  readonly Id: string;
  readonly Name: string;
  /** `arn:aws:cloudfront::<account>:anycast-ip-list/<Id>`. */
  readonly Arn: string;
  readonly ETag: string;
  readonly IpCount: number;
  readonly IpAddressType: string;
  readonly IpamConfig?: IpamConfig;
  readonly AnycastIps: readonly string[];
  readonly lastModified: number;
  /** When the list reports Deployed (Deploying until then). */
  readonly deployAt: number;
  readonly tags: readonly Tag[];
}

export class AnycastIpListStore extends ResourceStore<AnycastIpListRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/anycast-ip-list", version);
  }

  byArn(arn: string): AnycastIpListRecord | undefined {
    return this.find((l) => l.Arn === arn);
  }
}
