// Lambda control-plane state: functions with their $LATEST, published versions, aliases,
// resource-based policies and tags, in memory and written through to the document store (one
// document per function) before the call answers, as services/cloudfront/state.ts does. Code
// bytes live in the CodeStore (code-store.ts); records hold their hash.
// Not emulated: one namespace per region. Function names are unique across regions here; a
// function's ARN carries the region of the request that created it.
import type { Clock } from "../../clock.ts";
import type { Ids } from "../../ids.ts";
import type { DocumentStore } from "../../store/document-store.ts";
import { CodeStore, type StoredCode } from "./code-store.ts";

/** What a version runs with: the settings Lambda copies into a published version. */
export interface VersionSettings {
  readonly Runtime: string;
  readonly Handler: string;
  readonly Role: string;
  readonly Description: string;
  readonly Timeout: number;
  readonly MemorySize: number;
  readonly Environment?: Readonly<Record<string, string>>;
  readonly TracingMode: string;
  readonly Architectures: readonly string[];
  readonly EphemeralStorageSize: number;
  readonly LogFormat: string;
  readonly LogGroup: string;
  readonly ApplicationLogLevel?: string;
  readonly SystemLogLevel?: string;
  readonly Layers: readonly string[];
  readonly KMSKeyArn?: string;
  readonly DeadLetterTargetArn?: string;
  readonly SnapStartApplyOn: string;
}

/** `$LATEST` or a published version. Published versions never change after publishing. */
export interface VersionRecord {
  readonly Version: string;
  readonly settings: VersionSettings;
  readonly code: StoredCode;
  /** Epoch milliseconds of the last change (Lambda's LastModified). */
  readonly lastModified: number;
  readonly RevisionId: string;
}

export interface AliasRecord {
  readonly Name: string;
  readonly FunctionVersion: string;
  readonly Description: string;
  /** Additional version weights, as given (`RoutingConfig.AdditionalVersionWeights`). */
  readonly AdditionalVersionWeights?: Readonly<Record<string, number>>;
  readonly RevisionId: string;
}

/** One statement of a resource-based policy, as GetPolicy shows it. */
export type PolicyStatement = Readonly<Record<string, unknown>> & { readonly Sid: string };

export interface FunctionRecord {
  readonly FunctionName: string;
  /** The region of the request that created it (from its credential scope): part of its ARN. */
  readonly region: string;
  readonly latest: VersionRecord;
  /** Published versions, oldest first. */
  readonly versions: readonly VersionRecord[];
  /** The number the next PublishVersion gets (numbers are never reused, even after deletion). */
  readonly nextVersion: number;
  readonly aliases: readonly AliasRecord[];
  /** Resource-based policy statements by qualifier (`""` for the unqualified function). */
  readonly policies: Readonly<Record<string, readonly PolicyStatement[]>>;
  readonly Tags: Readonly<Record<string, string>>;
}

const FUNCTION = "lambda/function";

export class LambdaState {
  readonly accountId: string;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly code: CodeStore;
  private readonly store: DocumentStore;
  private readonly functions = new Map<string, FunctionRecord>();

  constructor(store: DocumentStore, dataDir: string, accountId: string, clock: Clock, ids: Ids) {
    this.store = store;
    this.accountId = accountId;
    this.clock = clock;
    this.ids = ids;
    this.code = new CodeStore(dataDir);
    for (const f of store.list<FunctionRecord>(FUNCTION)) this.functions.set(f.FunctionName, f);
    this.code.sweep(this.referencedCode());
  }

  get(name: string): FunctionRecord | undefined {
    return this.functions.get(name);
  }

  list(): FunctionRecord[] {
    return [...this.functions.values()];
  }

  put(fn: FunctionRecord): void {
    this.store.put(FUNCTION, fn.FunctionName, fn);
    this.functions.set(fn.FunctionName, fn);
  }

  delete(name: string): void {
    this.store.delete(FUNCTION, name);
    this.functions.delete(name);
    this.code.sweep(this.referencedCode());
  }

  /** Drops code no version references any more (after UpdateFunctionCode or a version's deletion). */
  sweepCode(): void {
    this.code.sweep(this.referencedCode());
  }

  private referencedCode(): Set<string> {
    const out = new Set<string>();
    for (const f of this.functions.values()) for (const v of [f.latest, ...f.versions]) out.add(v.code.sha256);
    return out;
  }
}
