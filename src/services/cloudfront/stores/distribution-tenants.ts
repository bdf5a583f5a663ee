// Stored distribution tenants (CloudFront Developer Guide "Work with multi-tenant distributions"):
// one tenant serves a multi-tenant (ConnectionMode tenant-only) distribution on its own domains,
// with its own parameter values and customizations. Besides the generic CRUD, the store keeps the
// tenants' domains in a map (lower-cased domain → tenant id), which is how the edge finds the tenant
// for a Host (state.ts `distributionForHost`, tenant-serving.ts) with one lookup.
import type { Customizations, ManagedCertificateRequest, Parameter, Tag } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface DistributionTenantRecord {
  /** `dt_` + 27 letters and digits, as in AWS's examples. */
  readonly Id: string;
  /** `arn:aws:cloudfront::<account>:distribution-tenant/<Id>`. */
  readonly Arn: string;
  readonly ETag: string;
  readonly Name: string;
  readonly DistributionId: string;
  readonly ConnectionGroupId: string;
  /** As given (case kept); looked up lower-cased. */
  readonly Domains: readonly string[];
  readonly Parameters: readonly Parameter[];
  readonly Customizations: Customizations | undefined;
  readonly ManagedCertificateRequest: ManagedCertificateRequest | undefined;
  readonly Enabled: boolean;
  readonly createdAt: number;
  readonly lastModified: number;
  /** Status is InProgress until then, Deployed after (the configured deploy delay). */
  readonly deployAt: number;
  readonly tags: readonly Tag[];
}

export class DistributionTenantStore extends ResourceStore<DistributionTenantRecord> {
  /** Lower-cased domain → tenant id. */
  private readonly domains = new Map<string, string>();

  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/distribution-tenant", version);
    for (const rec of this.list()) this.indexDomains(rec);
  }

  /** The tenant that has `domain` (any case), if any. */
  byDomain(domain: string): DistributionTenantRecord | undefined {
    const id = this.domains.get(domain.toLowerCase());
    return id === undefined ? undefined : this.get(id);
  }

  /** A tenant by the identifiers the API accepts for it: its ARN, id or name. */
  byIdentifier(identifier: string | undefined): DistributionTenantRecord | undefined {
    if (identifier === undefined) return undefined;
    return this.get(identifier) ?? this.find((t) => t.Arn === identifier || t.Name === identifier);
  }

  override put(rec: DistributionTenantRecord): void {
    this.unindexDomains(rec.Id);
    super.put(rec);
    this.indexDomains(rec);
  }

  override delete(id: string): void {
    this.unindexDomains(id);
    super.delete(id);
  }

  private indexDomains(rec: DistributionTenantRecord): void {
    for (const d of rec.Domains) this.domains.set(d.toLowerCase(), rec.Id);
  }

  private unindexDomains(id: string): void {
    for (const d of this.get(id)?.Domains ?? []) {
      if (this.domains.get(d.toLowerCase()) === id) this.domains.delete(d.toLowerCase());
    }
  }
}
