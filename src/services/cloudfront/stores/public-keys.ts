// Stored CloudFront public keys (signed URLs and cookies, docs/signed-urls.md §5.5).
import type { PublicKeyConfig } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface PublicKeyRecord {
  /** `K` + 13 upper-case alphanumerics (docs/control-plane.md §6). */
  readonly Id: string;
  readonly ETag: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly config: PublicKeyConfig;
}

export class PublicKeyStore extends ResourceStore<PublicKeyRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/public-key", version);
  }
}
