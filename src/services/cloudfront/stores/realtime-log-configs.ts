// Stored real-time log configurations (CloudFront Developer Guide, "Real-time logs"): named, and
// referred to from cache behaviors by ARN. Keyed by name, since the name is what makes one unique
// in an account and what the ARN ends in.
import type { EndPoint } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";
import { ResourceStore } from "./resource-store.ts";

export interface RealtimeLogConfigRecord {
  /** The config's Name. */
  readonly Id: string;
  /** `arn:aws:cloudfront::<account>:realtime-log-config/<Name>`. */
  readonly ARN: string;
  readonly SamplingRate: number;
  readonly EndPoints: readonly EndPoint[];
  /** In CloudFront's record order (realtime-log-fields.ts). */
  readonly Fields: readonly string[];
}

export class RealtimeLogConfigStore extends ResourceStore<RealtimeLogConfigRecord> {
  constructor(docs: DocumentStore, version: ConfigVersion) {
    super(docs, "cloudfront/realtime-log-config", version);
  }

  byArn(arn: string): RealtimeLogConfigRecord | undefined {
    return this.find((c) => c.ARN === arn);
  }
}

/** The ARN of a real-time log configuration (docs/control-plane.md, ARN table). */
export function realtimeLogConfigArn(accountId: string, name: string): string {
  return `arn:aws:cloudfront::${accountId}:realtime-log-config/${name}`;
}
