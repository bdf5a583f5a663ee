// CloudFront control-plane state: typed maps in memory, written through to the document store on
// every change before the API call answers (so an acknowledged write survives kill -9). The edge
// reads distributions through `distributionForHost`.
import type { CachePolicyConfig, DistributionConfig, InvalidationBatch, OriginRequestPolicyConfig, ResponseHeadersPolicyConfig, Tag } from "@aws-sdk/client-cloudfront";
import type { Clock } from "../../clock.ts";
import type { Ids } from "../../ids.ts";
import type { DocumentStore } from "../../store/document-store.ts";
import { KeyValueStores } from "./key-value-stores.ts";
import { PublicKeyStore } from "./stores/public-keys.ts";
import { KeyGroupStore } from "./stores/key-groups.ts";
import { OriginAccessControlStore } from "./stores/origin-access-controls.ts";
import { OriginAccessIdentityStore } from "./stores/origin-access-identities.ts";
import { FunctionStore } from "./function-store.ts";

/** A distribution as stored. Times are epoch milliseconds. */
export interface DistributionRecord {
  readonly Id: string;
  readonly ARN: string;
  readonly DomainName: string;
  readonly ETag: string;
  readonly createdAt: number;
  readonly lastModified: number;
  /** When the last change finishes deploying: Status is InProgress until then. */
  readonly deployAt: number;
  readonly config: DistributionConfig;
  readonly tags: readonly Tag[];
}

/** An invalidation as stored. */
export interface InvalidationRecord {
  readonly Id: string;
  readonly distributionId: string;
  readonly createdAt: number;
  /** When it reports Completed (the purge itself happens at creation). */
  readonly completeAt: number;
  readonly batch: InvalidationBatch;
}

/** A custom cache, origin request or response headers policy as stored (managed ones are seeded, not stored). */
export interface PolicyRecord {
  readonly Id: string;
  readonly kind: "cache" | "origin-request" | "response-headers";
  readonly ETag: string;
  readonly lastModified: number;
  readonly config: CachePolicyConfig | OriginRequestPolicyConfig | ResponseHeadersPolicyConfig;
}

export interface CloudFrontSettings {
  readonly accountId: string;
  readonly domainSuffix: string;
  readonly deployDelayMs: number;
  readonly invalidationDelayMs: number;
}

/** Called when an invalidation is created: the edge purges the paths before the call answers. */
export type InvalidationListener = (distributionId: string, paths: readonly string[]) => void;

const DISTRIBUTION = "cloudfront/distribution";
const INVALIDATION = "cloudfront/invalidation";
const POLICY = (kind: PolicyRecord["kind"]) => `cloudfront/${kind}-policy`;

export class CloudFrontState {
  readonly settings: CloudFrontSettings;
  readonly clock: Clock;
  readonly ids: Ids;
  /** KeyValueStores and their keys (control and data plane); what CloudFront Functions read. */
  readonly keyValueStores: KeyValueStores;
  /** Public keys, key groups, origin access controls and identities (issue 6), one store each. */
  readonly publicKeys: PublicKeyStore;
  readonly keyGroups: KeyGroupStore;
  readonly originAccessControls: OriginAccessControlStore;
  readonly originAccessIdentities: OriginAccessIdentityStore;
  /** CloudFront Functions, both stages (functions.md §1); the edge reads LIVE code through it. */
  readonly functions: FunctionStore;
  private readonly store: DocumentStore;
  private readonly distributions = new Map<string, DistributionRecord>();
  /** Lower-cased domain name or alias → distribution id. */
  private readonly hosts = new Map<string, string>();
  /** Distribution id → its invalidations, oldest first. */
  private readonly invalidations = new Map<string, InvalidationRecord[]>();
  private readonly onInvalidation: InvalidationListener;
  private readonly policies = new Map<string, PolicyRecord>();
  /** Bumped on every policy change: the edge recompiles distributions when it moves. */
  policyVersion = 0;

  constructor(store: DocumentStore, settings: CloudFrontSettings, clock: Clock, ids: Ids, onInvalidation: InvalidationListener = () => undefined) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.ids = ids;
    this.keyValueStores = new KeyValueStores(store, settings.accountId, clock, ids);
    this.publicKeys = new PublicKeyStore(store);
    this.keyGroups = new KeyGroupStore(store);
    this.originAccessControls = new OriginAccessControlStore(store);
    this.originAccessIdentities = new OriginAccessIdentityStore(store);
    this.onInvalidation = onInvalidation;
    for (const rec of store.list<DistributionRecord>(DISTRIBUTION)) this.index(rec);
    for (const inv of store.list<InvalidationRecord>(INVALIDATION)) this.listInvalidations(inv.distributionId).push(inv);
    for (const kind of ["cache", "origin-request", "response-headers"] as const) {
      for (const p of store.list<PolicyRecord>(POLICY(kind))) this.policies.set(`${kind}/${p.Id}`, p);
    }
    this.functions = new FunctionStore(store, this);
  }

  getPolicy(kind: PolicyRecord["kind"], id: string): PolicyRecord | undefined {
    return this.policies.get(`${kind}/${id}`);
  }

  /** Custom policies of a kind, oldest first. */
  listPolicies(kind: PolicyRecord["kind"]): PolicyRecord[] {
    return [...this.policies.values()].filter((p) => p.kind === kind);
  }

  putPolicy(rec: PolicyRecord): void {
    this.store.put(POLICY(rec.kind), rec.Id, rec);
    this.policies.set(`${rec.kind}/${rec.Id}`, rec);
    this.policyVersion++;
  }

  deletePolicy(kind: PolicyRecord["kind"], id: string): void {
    this.store.delete(POLICY(kind), id);
    this.policies.delete(`${kind}/${id}`);
    this.policyVersion++;
  }

  /** A distribution's invalidations, oldest first (the live array). */
  listInvalidations(distributionId: string): InvalidationRecord[] {
    let list = this.invalidations.get(distributionId);
    if (!list) {
      list = [];
      this.invalidations.set(distributionId, list);
    }
    return list;
  }

  /** Stores the invalidation, then purges its paths at the edge. */
  addInvalidation(inv: InvalidationRecord): void {
    this.store.put(INVALIDATION, `${inv.distributionId}/${inv.Id}`, inv);
    this.listInvalidations(inv.distributionId).push(inv);
    this.onInvalidation(inv.distributionId, inv.batch.Paths?.Items ?? []);
  }

  /** Invalidations of a distribution still InProgress. */
  invalidationsInProgress(distributionId: string): InvalidationRecord[] {
    const now = this.clock.now();
    return (this.invalidations.get(distributionId) ?? []).filter((i) => now < i.completeAt);
  }

  getDistribution(id: string): DistributionRecord | undefined {
    return this.distributions.get(id);
  }

  /** All distributions, oldest first (the order ListDistributions pages through). */
  listDistributions(): DistributionRecord[] {
    return [...this.distributions.values()];
  }

  findDistributionByCallerReference(ref: string): DistributionRecord | undefined {
    for (const rec of this.distributions.values()) if (rec.config.CallerReference === ref) return rec;
    return undefined;
  }

  /** The distribution serving `host` (its domain name or one of its aliases), if any. */
  distributionForHost(host: string): DistributionRecord | undefined {
    const id = this.hosts.get(host.toLowerCase());
    return id === undefined ? undefined : this.distributions.get(id);
  }

  aliasOwner(alias: string): string | undefined {
    const id = this.hosts.get(alias.toLowerCase());
    const rec = id === undefined ? undefined : this.distributions.get(id);
    return rec && rec.DomainName !== alias.toLowerCase() ? rec.Id : undefined;
  }

  putDistribution(rec: DistributionRecord): void {
    this.store.put(DISTRIBUTION, rec.Id, rec);
    this.unindex(rec.Id);
    this.index(rec);
  }

  deleteDistribution(id: string): void {
    this.store.transaction(() => {
      this.store.delete(DISTRIBUTION, id);
      for (const inv of this.invalidations.get(id) ?? []) this.store.delete(INVALIDATION, `${id}/${inv.Id}`);
    });
    this.invalidations.delete(id);
    this.unindex(id);
  }

  /** Forgets everything (the reset endpoints); the caller clears the store. */
  clear(): void {
    this.distributions.clear();
    this.hosts.clear();
    this.invalidations.clear();
    this.policies.clear();
    this.policyVersion++;
  }

  arn(kind: string, id: string): string {
    return `arn:aws:cloudfront::${this.settings.accountId}:${kind}/${id}`;
  }

  private index(rec: DistributionRecord): void {
    this.distributions.set(rec.Id, rec);
    this.hosts.set(rec.DomainName, rec.Id);
    for (const alias of rec.config.Aliases?.Items ?? []) this.hosts.set(alias.toLowerCase(), rec.Id);
  }

  private unindex(id: string): void {
    const old = this.distributions.get(id);
    if (!old) return;
    this.distributions.delete(id);
    this.hosts.delete(old.DomainName);
    for (const alias of old.config.Aliases?.Items ?? []) {
      if (this.hosts.get(alias.toLowerCase()) === id) this.hosts.delete(alias.toLowerCase());
    }
  }
}
