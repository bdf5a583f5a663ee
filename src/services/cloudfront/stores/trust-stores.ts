// Stored trust stores (CloudFront Developer Guide "Trust stores and certificate management"): the CA
// bundle read from the embedded S3 at create/update time is kept with the record, so the HTTPS
// listener verifies client certificates against it without going back to S3.
import type { Tag } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface TrustStoreRecord {
  /** `ts_` + 22 alphanumerics (the prefix unverified). */
  readonly Id: string;
  readonly Name: string;
  /** `arn:aws:cloudfront::<account>:trust-store/<Id>`. */
  readonly Arn: string;
  readonly ETag: string;
  /** Where the bundle came from (CaCertificatesBundleS3Location). */
  readonly source: { readonly Bucket: string; readonly Key: string; readonly Region: string; readonly Version?: string };
  /** The CA certificates, PEM, in bundle order. */
  readonly caPems: readonly string[];
  readonly UseClientCertificateOCSPEndpoint: boolean;
  readonly lastModified: number;
  readonly tags: readonly Tag[];
}

export class TrustStoreStore extends ResourceStore<TrustStoreRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/trust-store", version);
  }

  /** By id, ARN or name (GetTrustStore's Identifier, ListDistributionsByTrustStore's). */
  byIdentifier(identifier: string | undefined): TrustStoreRecord | undefined {
    if (identifier === undefined) return undefined;
    return this.get(identifier) ?? this.find((t) => t.Arn === identifier || t.Name === identifier);
  }
}
