// IAM state for the execution roles Lambda functions run as: roles (with their inline policies,
// attached managed policies and tags) and customer managed policies, in memory and written
// through to the document store before the call answers (as services/cloudfront/state.ts).
// AWS managed policies (`arn:aws:iam::aws:policy/...`) are not stored: any such ARN is accepted
// as existing, as minifront does not carry AWS's catalogue of them.
import type { Tag } from "@aws-sdk/client-iam";
import type { Clock } from "../../clock.ts";
import type { Ids } from "../../ids.ts";
import type { DocumentStore } from "../../store/document-store.ts";

export interface RoleRecord {
  readonly RoleName: string;
  readonly RoleId: string;
  readonly Path: string;
  readonly Arn: string;
  readonly createdAt: number;
  /** The trust policy as the caller sent it (returned URL-encoded, as IAM does). */
  readonly AssumeRolePolicyDocument: string;
  readonly Description?: string;
  readonly MaxSessionDuration: number;
  readonly PermissionsBoundary?: string;
  /** Inline policies: name → document. */
  readonly inline: Readonly<Record<string, string>>;
  /** Attached managed policy ARNs, in attachment order. */
  readonly attached: readonly string[];
  readonly Tags: readonly Tag[];
}

export interface PolicyRecord {
  readonly PolicyName: string;
  readonly PolicyId: string;
  readonly Arn: string;
  readonly Path: string;
  readonly Description?: string;
  readonly Document: string;
  readonly createdAt: number;
  readonly Tags: readonly Tag[];
}

const ROLE = "iam/role";
const POLICY = "iam/policy";

/** IAM's 21-character unique ids: a 4-letter prefix (`AROA` roles, `ANPA` policies) and 17 more. */
function uniqueId(ids: Ids, prefix: string): string {
  return (ids.resourceId(prefix) + ids.resourceId("")).slice(0, 21);
}

export class IamState {
  readonly accountId: string;
  readonly clock: Clock;
  private readonly ids: Ids;
  private readonly store: DocumentStore;
  private readonly roles = new Map<string, RoleRecord>();
  private readonly policies = new Map<string, PolicyRecord>();

  constructor(store: DocumentStore, accountId: string, clock: Clock, ids: Ids) {
    this.store = store;
    this.accountId = accountId;
    this.clock = clock;
    this.ids = ids;
    for (const r of store.list<RoleRecord>(ROLE)) this.roles.set(r.RoleName.toLowerCase(), r);
    for (const p of store.list<PolicyRecord>(POLICY)) this.policies.set(p.Arn, p);
  }

  /** Role names are unique case-insensitively in IAM. */
  role(name: string): RoleRecord | undefined {
    return this.roles.get(name.toLowerCase());
  }

  listRoles(): RoleRecord[] {
    return [...this.roles.values()];
  }

  /** The role a Lambda `Role` ARN names, if it exists in this account. */
  roleByArn(arn: string): RoleRecord | undefined {
    const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!m || m[1] !== this.accountId) return undefined;
    const role = this.role(m[2] as string);
    return role?.Arn === arn ? role : undefined;
  }

  newRole(fields: Omit<RoleRecord, "RoleId" | "Arn" | "createdAt" | "inline" | "attached">): RoleRecord {
    const role: RoleRecord = {
      ...fields,
      RoleId: uniqueId(this.ids, "AROA"),
      Arn: `arn:aws:iam::${this.accountId}:role${fields.Path}${fields.RoleName}`,
      createdAt: this.clock.now(),
      inline: {},
      attached: [],
    };
    this.putRole(role);
    return role;
  }

  putRole(role: RoleRecord): void {
    this.store.put(ROLE, role.RoleName.toLowerCase(), role);
    this.roles.set(role.RoleName.toLowerCase(), role);
  }

  deleteRole(name: string): void {
    this.store.delete(ROLE, name.toLowerCase());
    this.roles.delete(name.toLowerCase());
  }

  policy(arn: string): PolicyRecord | undefined {
    return this.policies.get(arn);
  }

  policyByName(name: string): PolicyRecord | undefined {
    for (const p of this.policies.values()) if (p.PolicyName === name) return p;
    return undefined;
  }

  newPolicy(fields: Omit<PolicyRecord, "PolicyId" | "Arn" | "createdAt">): PolicyRecord {
    const policy: PolicyRecord = {
      ...fields,
      PolicyId: uniqueId(this.ids, "ANPA"),
      Arn: `arn:aws:iam::${this.accountId}:policy${fields.Path}${fields.PolicyName}`,
      createdAt: this.clock.now(),
    };
    this.store.put(POLICY, policy.Arn, policy);
    this.policies.set(policy.Arn, policy);
    return policy;
  }

  deletePolicy(arn: string): void {
    this.store.delete(POLICY, arn);
    this.policies.delete(arn);
  }

  /** How many roles have the policy attached. */
  attachmentCount(arn: string): number {
    let n = 0;
    for (const r of this.roles.values()) if (r.attached.includes(arn)) n++;
    return n;
  }
}

/** AWS managed policies: `arn:aws:iam::aws:policy/<path>/<name>`, accepted without being stored. */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]+$/.test(arn);
}
