// Stored connection groups (CloudFront Developer Guide "Create custom connection group"): the
// routing endpoint (a DNS name) and IPv6 / Anycast settings that distribution tenants are reached
// through. The first tenant created without one gets the account's default group (IsDefault).
import type { Tag } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface ConnectionGroupRecord {
  /** `cg_` + 27 letters and digits, as in AWS's examples. */
  readonly Id: string;
  /** `arn:aws:cloudfront::<account>:connection-group/<Id>`. */
  readonly Arn: string;
  readonly ETag: string;
  readonly Name: string;
  /** `d` + 13 characters + the distribution domain suffix, like a distribution's domain name. */
  readonly RoutingEndpoint: string;
  readonly Ipv6Enabled: boolean;
  readonly AnycastIpListId: string | undefined;
  readonly Enabled: boolean;
  readonly IsDefault: boolean;
  readonly createdAt: number;
  readonly lastModified: number;
  readonly deployAt: number;
  readonly tags: readonly Tag[];
}

export class ConnectionGroupStore extends ResourceStore<ConnectionGroupRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/connection-group", version);
  }

  /** A group by the identifiers GetConnectionGroup accepts: its ARN, id or name. */
  byIdentifier(identifier: string | undefined): ConnectionGroupRecord | undefined {
    if (identifier === undefined) return undefined;
    return this.get(identifier) ?? this.find((g) => g.Arn === identifier || g.Name === identifier);
  }

  byRoutingEndpoint(endpoint: string): ConnectionGroupRecord | undefined {
    const e = endpoint.toLowerCase();
    return this.find((g) => g.RoutingEndpoint === e);
  }

  get defaultGroup(): ConnectionGroupRecord | undefined {
    return this.find((g) => g.IsDefault);
  }
}
