// Stored CloudFront origin access identities (legacy OAI, docs/edge.md §7.5).
import type { CloudFrontOriginAccessIdentityConfig } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface OriginAccessIdentityRecord {
  /** `E` + 13 upper-case alphanumerics (docs/control-plane.md §6). */
  readonly Id: string;
  readonly ETag: string;
  /** 64 lower-case hex digits: how S3 bucket policies and ACLs name the identity. */
  readonly S3CanonicalUserId: string;
  readonly config: CloudFrontOriginAccessIdentityConfig;
}

/** How an S3 origin refers to an OAI in `S3OriginConfig.OriginAccessIdentity`. */
export const OAI_REFERENCE_PREFIX = "origin-access-identity/cloudfront/";

export class OriginAccessIdentityStore extends ResourceStore<OriginAccessIdentityRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/origin-access-identity", version);
  }

  findByCanonicalUserId(canonicalUserId: string): OriginAccessIdentityRecord | undefined {
    return this.find((r) => r.S3CanonicalUserId === canonicalUserId);
  }
}
