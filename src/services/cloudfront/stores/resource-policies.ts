// Stored resource policies (PutResourcePolicy): one JSON policy document per shareable CloudFront
// resource, keyed by the resource's ARN.
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface ResourcePolicyRecord {
  /** The resource's ARN. */
  readonly Id: string;
  readonly PolicyDocument: string;
}

export class ResourcePolicyStore extends ResourceStore<ResourcePolicyRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/resource-policy", version);
  }
}
