// CloudFront Functions as stored (docs/functions.md §1, docs/control-plane.md §6 "Functions and KVS"): one
// record per function name with its DEVELOPMENT stage and, once published, its LIVE stage; each
// stage has its own ETag. Written through to the document store before the API call answers.
// The edge reads LIVE code by ARN through `live()`; TestFunction and the code checks of
// Create/UpdateFunction use a function runtime started on first use and stopped when idle.
import type { FunctionConfig, Tag } from "@aws-sdk/client-cloudfront";
import type { DocumentStore } from "../../store/document-store.ts";
import { createFunctionRuntime, type FunctionRuntime } from "../../functions/runtime.ts";
import type { FunctionRuntimeName, FunctionToRun } from "../../functions/types.ts";
import type { DistributionConfig } from "@aws-sdk/client-cloudfront";
import type { Clock } from "../../clock.ts";
import type { KeyValueStores } from "./key-value-stores.ts";
import type { ConfigVersion } from "./config-version.ts";

/** What the function store needs of the CloudFront state it belongs to (not the state itself, which owns it). */
export interface FunctionStoreHost {
  readonly keyValueStores: KeyValueStores;
  readonly clock: Clock;
  /** Bumped on every change: the edge recompiles distributions when LIVE code may have changed. */
  readonly configVersion: ConfigVersion;
  arn(kind: string, name: string): string;
  listDistributions(): ReadonlyArray<{ readonly config: DistributionConfig }>;
}

export type FunctionStage = "DEVELOPMENT" | "LIVE";

/** One stage of a function. `code` is base64 (the bytes as uploaded). Times are epoch ms. */
export interface FunctionStageRecord {
  readonly ETag: string;
  readonly config: FunctionConfig;
  readonly code: string;
  readonly lastModified: number;
}

export interface FunctionRecord {
  readonly Name: string;
  readonly createdAt: number;
  readonly development: FunctionStageRecord;
  readonly live?: FunctionStageRecord;
  readonly tags: readonly Tag[];
}

/** `FunctionSummary.Status` (docs/control-plane.md §6: DEPLOYED unverified, seen in public scripts). */
export type FunctionStatus = "UNPUBLISHED" | "UNASSOCIATED" | "DEPLOYED";

const KIND = "cloudfront/function";
/** The control plane's runtime (TestFunction, code checks) stops its worker after this long unused. */
const CONTROL_RUNTIME_IDLE_MS = 30_000;

export class FunctionStore {
  private readonly docs: DocumentStore;
  private readonly state: FunctionStoreHost;
  private readonly functions = new Map<string, FunctionRecord>();
  private controlRuntime: FunctionRuntime | undefined;

  constructor(docs: DocumentStore, state: FunctionStoreHost) {
    this.docs = docs;
    this.state = state;
    for (const rec of docs.list<FunctionRecord>(KIND)) this.functions.set(rec.Name, rec);
    // DeleteKeyValueStore refuses a store that a function uses (docs/functions.md §6.1).
    state.keyValueStores.setAssociationLookup((storeArn) => this.list().filter((f) => kvsArnsOf(f).includes(storeArn)).map((f) => f.Name));
  }

  get(name: string | undefined): FunctionRecord | undefined {
    return name === undefined ? undefined : this.functions.get(name);
  }

  /** All functions, oldest first (the order ListFunctions pages through). */
  list(): FunctionRecord[] {
    return [...this.functions.values()];
  }

  get size(): number {
    return this.functions.size;
  }

  put(rec: FunctionRecord): void {
    this.docs.put(KIND, rec.Name, rec);
    this.functions.set(rec.Name, rec);
    this.state.configVersion.bump();
  }

  delete(name: string): void {
    this.docs.delete(KIND, name);
    this.functions.delete(name);
    this.state.configVersion.bump();
  }

  arn(name: string): string {
    return this.state.arn("function", name);
  }

  /** ARNs of the functions that have a LIVE stage (what distributions may associate). */
  liveArns(): Set<string> {
    const out = new Set<string>();
    for (const f of this.functions.values()) if (f.live) out.add(this.arn(f.Name));
    return out;
  }

  /** The published code for an ARN, ready for the function runtime; undefined when not published. */
  live(arn: string): FunctionToRun | undefined {
    const name = this.nameOf(arn);
    const rec = name === undefined ? undefined : this.functions.get(name);
    return rec?.live ? toRun(arn, rec.live) : undefined;
  }

  /** The code of a stage, ready for the function runtime (TestFunction). */
  runnable(rec: FunctionRecord, stage: FunctionStage): FunctionToRun | undefined {
    const s = stage === "LIVE" ? rec.live : rec.development;
    return s ? toRun(`${this.arn(rec.Name)}:${stage}`, s) : undefined;
  }

  /** True when a cache behavior of any distribution associates the function. */
  isAssociated(name: string): boolean {
    const arn = this.arn(name);
    return this.state.listDistributions().some((d) =>
      [d.config.DefaultCacheBehavior, ...(d.config.CacheBehaviors?.Items ?? [])].some((b) => b?.FunctionAssociations?.Items?.some((a) => a.FunctionARN === arn)),
    );
  }

  status(rec: FunctionRecord): FunctionStatus {
    if (!rec.live) return "UNPUBLISHED";
    return this.isAssociated(rec.Name) ? "DEPLOYED" : "UNASSOCIATED";
  }

  /** The runtime TestFunction and the code checks use; its worker starts on first use. */
  runtime(): FunctionRuntime {
    this.controlRuntime ??= createFunctionRuntime({
      kvs: this.state.keyValueStores,
      now: () => this.state.clock.now(),
      idleTimeoutMs: CONTROL_RUNTIME_IDLE_MS,
    });
    return this.controlRuntime;
  }

  /** Stops the control plane's function runtime (emulator shutdown). */
  async dispose(): Promise<void> {
    const rt = this.controlRuntime;
    this.controlRuntime = undefined;
    await rt?.dispose();
  }

  /** Forgets everything (the reset endpoints); the caller clears the document store. */
  clear(): void {
    this.functions.clear();
    this.state.configVersion.bump();
  }

  private nameOf(arn: string): string | undefined {
    const prefix = this.state.arn("function", "");
    return arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
  }
}

/** The KVS ARNs either stage of a function associates. */
export function kvsArnsOf(rec: FunctionRecord): string[] {
  const arns = new Set<string>();
  for (const s of [rec.development, rec.live]) {
    for (const a of s?.config.KeyValueStoreAssociations?.Items ?? []) if (a.KeyValueStoreARN) arns.add(a.KeyValueStoreARN);
  }
  return [...arns];
}

/** The last toRun of each stage: the edge asks for it on every request of a behavior with a function. */
const RUNNABLE = new WeakMap<FunctionStageRecord, { readonly base64: string; readonly fn: FunctionToRun }>();

function toRun(keyPrefix: string, stage: FunctionStageRecord): FunctionToRun {
  const key = `${keyPrefix}#${stage.ETag}`;
  const cached = RUNNABLE.get(stage);
  if (cached && cached.fn.key === key && cached.base64 === stage.code) return cached.fn;
  const fn: FunctionToRun = {
    key,
    code: Buffer.from(stage.code, "base64").toString("utf8"),
    runtime: stage.config.Runtime as FunctionRuntimeName,
    kvsArns: (stage.config.KeyValueStoreAssociations?.Items ?? []).map((a) => a.KeyValueStoreARN as string),
  };
  RUNNABLE.set(stage, { base64: stage.code, fn });
  return fn;
}
