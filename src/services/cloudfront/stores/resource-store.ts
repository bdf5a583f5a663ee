// One kind of CloudFront resource kept in memory and written through to the document store before
// the API call answers, as state.ts does for distributions and policies. The public key, key group,
// origin access control and origin access identity stores are instances of this with a few
// family-specific lookups; each is attached to CloudFrontState as one field.
import type { DocumentStore } from "../../../store/document-store.ts";
import type { ConfigVersion } from "../config-version.ts";

export class ResourceStore<R extends { readonly Id: string }> {
  private readonly docs: DocumentStore;
  private readonly kind: string;
  private readonly items = new Map<string, R>();
  /** The state's configuration version, bumped on every change (the edge recompiles when it moves). */
  private readonly version: ConfigVersion;

  constructor(docs: DocumentStore, kind: string, version: ConfigVersion) {
    this.docs = docs;
    this.kind = kind;
    this.version = version;
    for (const rec of docs.list<R>(kind)) this.items.set(rec.Id, rec);
  }

  get(id: string | undefined): R | undefined {
    return id === undefined ? undefined : this.items.get(id);
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** All records, oldest first (the order list operations page through). */
  list(): R[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  find(test: (rec: R) => boolean): R | undefined {
    for (const rec of this.items.values()) if (test(rec)) return rec;
    return undefined;
  }

  /** Stores a new record or replaces one with the same Id (an update keeps its list position). */
  put(rec: R): void {
    this.docs.put(this.kind, rec.Id, rec);
    this.items.set(rec.Id, rec);
    this.version.bump();
  }

  delete(id: string): void {
    this.docs.delete(this.kind, id);
    this.items.delete(id);
    this.version.bump();
  }
}
