// CloudFront control-plane state: typed maps in memory, written through to the document store on
// every change before the API call answers (so an acknowledged write survives kill -9). The edge
// reads distributions through `distributionForHost`.
import type { EdgeLambdaLookup } from "./lambda-associations.ts";
import type { CachePolicyConfig, DistributionConfig, InvalidationBatch, OriginRequestPolicyConfig, ResponseHeadersPolicyConfig, Tag } from "@aws-sdk/client-cloudfront";
import type { Clock } from "../../clock.ts";
import type { Ids } from "../../ids.ts";
import type { DocumentStore } from "../../store/document-store.ts";
import { KeyValueStores } from "./key-value-stores.ts";
import { PublicKeyStore } from "./stores/public-keys.ts";
import { KeyGroupStore } from "./stores/key-groups.ts";
import { OriginAccessControlStore } from "./stores/origin-access-controls.ts";
import { OriginAccessIdentityStore } from "./stores/origin-access-identities.ts";
import { ContinuousDeploymentPolicyStore } from "./stores/continuous-deployment-policies.ts";
import { RealtimeLogConfigStore } from "./stores/realtime-log-configs.ts";
import { MonitoringSubscriptionStore } from "./stores/monitoring-subscriptions.ts";
import { AnycastIpListStore } from "./stores/anycast-ip-lists.ts";
import { ResourcePolicyStore } from "./stores/resource-policies.ts";
import { FieldLevelEncryptionConfigStore, FieldLevelEncryptionProfileStore } from "./stores/field-level-encryption.ts";
import { VpcOriginStore } from "./stores/vpc-origins.ts";
import { DistributionTenantStore } from "./stores/distribution-tenants.ts";
import { ConnectionGroupStore } from "./stores/connection-groups.ts";
import { TrustStoreStore } from "./stores/trust-stores.ts";
import { ConnectionFunctionStore } from "./stores/connection-functions.ts";
import { servingRecordForHost } from "./tenant-serving.ts";
import type { DistributionRecord } from "./distribution-record.ts";
import { FunctionStore } from "./function-store.ts";
import { ConfigVersion } from "./config-version.ts";

export type { DistributionRecord };

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
  /** The Lambda service's view of an associated function version (Lambda@Edge), when Lambda runs here. */
  readonly edgeLambdas?: EdgeLambdaLookup;
}

/** Called when an invalidation is created: the edge purges the paths before the call answers. */
export type InvalidationListener = (distributionId: string, paths: readonly string[]) => void;

const NO_IDS: ReadonlySet<string> = new Set();

/** The field-level encryption configs a distribution's behaviors name. */
function encryptionConfigIds(config: DistributionConfig): Set<string> {
  const ids = new Set<string>();
  for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors?.Items ?? [])]) if (b?.FieldLevelEncryptionId) ids.add(b.FieldLevelEncryptionId);
  return ids;
}

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
  /** Continuous deployment policies (issue 17); the edge routes primaries by them. */
  readonly continuousDeploymentPolicies: ContinuousDeploymentPolicyStore;
  /** Real-time log configurations (issue 15); behaviors name them by ARN. */
  readonly realtimeLogConfigs: RealtimeLogConfigStore;
  /** Monitoring subscriptions (issue 15): which distributions get the additional CloudWatch metrics. */
  readonly monitoringSubscriptions: MonitoringSubscriptionStore;
  /** Anycast static IP lists and resource policies (issue 17): stored, no edge behaviour. */
  readonly anycastIpLists: AnycastIpListStore;
  readonly resourcePolicies: ResourcePolicyStore;
  /** Field-level encryption configs and profiles, and VPC origins (issue 17); the edge applies both. */
  readonly fieldLevelEncryptionConfigs: FieldLevelEncryptionConfigStore;
  readonly fieldLevelEncryptionProfiles: FieldLevelEncryptionProfileStore;
  readonly vpcOrigins: VpcOriginStore;
  /** Distribution tenants and connection groups (issue 17): tenants are served on their domains (tenant-serving.ts). */
  readonly distributionTenants: DistributionTenantStore;
  readonly connectionGroups: ConnectionGroupStore;
  /** Trust stores and connection functions (issue 17): the HTTPS listener applies both (server/viewer-mtls.ts). */
  readonly trustStores: TrustStoreStore;
  readonly connectionFunctions: ConnectionFunctionStore;
  /** CloudFront Functions, both stages (docs/functions.md §1); the edge reads LIVE code through it. */
  readonly functions: FunctionStore;
  private readonly store: DocumentStore;
  private readonly distributions = new Map<string, DistributionRecord>();
  /** Records stored since the last takeWrittenDistributions(), for the HTTPS warnings (edge/https-warnings.ts). */
  private written: DistributionRecord[] = [];
  /** Lower-cased domain name or alias → distribution id. */
  private readonly hosts = new Map<string, string>();
  /** CallerReference → distribution id: a create looks its reference up instead of scanning. */
  private readonly callerReferences = new Map<string, string>();
  /** Field-level encryption config id → the distributions whose behaviors name it (at most 20 may). */
  private readonly encryptionConfigUsers = new Map<string, Set<string>>();
  /** Distribution id → its invalidations, oldest first. */
  private readonly invalidations = new Map<string, InvalidationRecord[]>();
  private readonly onInvalidation: InvalidationListener;
  private readonly policies = new Map<string, PolicyRecord>();
  /** Moves whenever anything a distribution refers to by id changes (config-version.ts). */
  readonly configVersion = new ConfigVersion();

  constructor(store: DocumentStore, settings: CloudFrontSettings, clock: Clock, ids: Ids, onInvalidation: InvalidationListener = () => undefined) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.ids = ids;
    this.keyValueStores = new KeyValueStores(store, settings.accountId, clock, ids);
    this.publicKeys = new PublicKeyStore(store, this.configVersion);
    this.keyGroups = new KeyGroupStore(store, this.configVersion);
    this.originAccessControls = new OriginAccessControlStore(store, this.configVersion);
    this.originAccessIdentities = new OriginAccessIdentityStore(store, this.configVersion);
    this.continuousDeploymentPolicies = new ContinuousDeploymentPolicyStore(store, this.configVersion);
    this.realtimeLogConfigs = new RealtimeLogConfigStore(store, this.configVersion);
    this.monitoringSubscriptions = new MonitoringSubscriptionStore(store);
    this.anycastIpLists = new AnycastIpListStore(store, this.configVersion);
    this.resourcePolicies = new ResourcePolicyStore(store, this.configVersion);
    this.fieldLevelEncryptionConfigs = new FieldLevelEncryptionConfigStore(store, this.configVersion);
    this.fieldLevelEncryptionProfiles = new FieldLevelEncryptionProfileStore(store, this.configVersion);
    this.vpcOrigins = new VpcOriginStore(store, this.configVersion);
    this.distributionTenants = new DistributionTenantStore(store, this.configVersion);
    this.connectionGroups = new ConnectionGroupStore(store, this.configVersion);
    this.trustStores = new TrustStoreStore(store, this.configVersion);
    this.connectionFunctions = new ConnectionFunctionStore(store, this.configVersion);
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
    this.configVersion.bump();
  }

  deletePolicy(kind: PolicyRecord["kind"], id: string): void {
    this.store.delete(POLICY(kind), id);
    this.policies.delete(`${kind}/${id}`);
    this.configVersion.bump();
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
    // A multi-tenant distribution's invalidation reaches every tenant's objects (tenant-serving.ts).
    for (const t of this.distributionTenants.list()) {
      if (t.DistributionId === inv.distributionId) this.onInvalidation(t.Id, inv.batch.Paths?.Items ?? []);
    }
  }

  /** Forgets the invalidations of a distribution or tenant (a deleted tenant's). */
  deleteInvalidations(ownerId: string): void {
    this.store.transaction(() => {
      for (const inv of this.invalidations.get(ownerId) ?? []) this.store.delete(INVALIDATION, `${ownerId}/${inv.Id}`);
    });
    this.invalidations.delete(ownerId);
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

  /** The distribution records stored since the last call (at first, every record loaded). */
  takeWrittenDistributions(): DistributionRecord[] {
    const out = this.written;
    this.written = [];
    return out;
  }

  get distributionCount(): number {
    return this.distributions.size;
  }

  findDistributionByCallerReference(ref: string): DistributionRecord | undefined {
    const id = this.callerReferences.get(ref);
    return id === undefined ? undefined : this.distributions.get(id);
  }

  /** The distribution serving `host` (its domain name or one of its aliases, or a tenant's domain), if any. */
  distributionForHost(host: string): DistributionRecord | undefined {
    const id = this.hosts.get(host.toLowerCase());
    return id === undefined ? (this.distributionTenants.size === 0 ? undefined : servingRecordForHost(this, host)) : this.distributions.get(id);
  }

  /** The ids of the distributions that name this field-level encryption configuration in a behavior. */
  distributionsUsingEncryptionConfig(configId: string): ReadonlySet<string> {
    return this.encryptionConfigUsers.get(configId) ?? NO_IDS;
  }

  aliasOwner(alias: string): string | undefined {
    const id = this.hosts.get(alias.toLowerCase());
    const rec = id === undefined ? undefined : this.distributions.get(id);
    if (rec && rec.DomainName !== alias.toLowerCase()) return rec.Id;
    // A distribution tenant's domain is taken too (CNAMEAlreadyExists either way).
    return this.distributionTenants.byDomain(alias)?.Id;
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
    this.callerReferences.clear();
    this.encryptionConfigUsers.clear();
    this.invalidations.clear();
    this.policies.clear();
    this.configVersion.bump();
  }

  arn(kind: string, id: string): string {
    return `arn:aws:cloudfront::${this.settings.accountId}:${kind}/${id}`;
  }

  private index(rec: DistributionRecord): void {
    this.distributions.set(rec.Id, rec);
    this.written.push(rec);
    // A multi-tenant distribution has no routing endpoint of its own: only its tenants' domains
    // reach it (Developer Guide "Understand how multi-tenant distributions work").
    if (rec.config.ConnectionMode !== "tenant-only") this.hosts.set(rec.DomainName, rec.Id);
    // The first distribution with a reference keeps it (CallerReference is immutable on update).
    const ref = rec.config.CallerReference;
    if (ref !== undefined && !this.callerReferences.has(ref)) this.callerReferences.set(ref, rec.Id);
    for (const alias of rec.config.Aliases?.Items ?? []) this.hosts.set(alias.toLowerCase(), rec.Id);
    for (const configId of encryptionConfigIds(rec.config)) {
      let users = this.encryptionConfigUsers.get(configId);
      if (!users) this.encryptionConfigUsers.set(configId, (users = new Set()));
      users.add(rec.Id);
    }
  }

  private unindex(id: string): void {
    const old = this.distributions.get(id);
    if (!old) return;
    this.distributions.delete(id);
    this.hosts.delete(old.DomainName);
    const ref = old.config.CallerReference;
    if (ref !== undefined && this.callerReferences.get(ref) === id) this.callerReferences.delete(ref);
    for (const alias of old.config.Aliases?.Items ?? []) {
      if (this.hosts.get(alias.toLowerCase()) === id) this.hosts.delete(alias.toLowerCase());
    }
    for (const configId of encryptionConfigIds(old.config)) {
      const users = this.encryptionConfigUsers.get(configId);
      users?.delete(id);
      if (users?.size === 0) this.encryptionConfigUsers.delete(configId);
    }
  }
}
