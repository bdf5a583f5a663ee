// Stored CloudFront public keys (signed URLs and cookies, signed-urls.md §5.5).
import type { PublicKeyConfig } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import { ResourceStore } from "./resource-store.ts";

export interface PublicKeyRecord {
  /** `K` + 13 upper-case alphanumerics (control-plane.md §6). */
  readonly Id: string;
  readonly ETag: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly config: PublicKeyConfig;
}

export class PublicKeyStore extends ResourceStore<PublicKeyRecord> {
  constructor(docs: DocumentStore) {
    super(docs, "cloudfront/public-key");
  }
}
