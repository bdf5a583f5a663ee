// CloudWatch Logs vended-log delivery state (the delivery sources, destinations and deliveries of
// "Standard logging (v2)"): in memory, written through to the document store before a call
// answers, as the other services' state. Built at start-up without the SDK's model, because the
// edge's log delivery (observe/vended-logs.ts) reads it from the first request on, whether or not
// the logs API has been called since the process started.
import type { DocumentStore } from "../../store/document-store.ts";
import { distributionIdOf } from "./cloudfront-template.ts";

export interface DeliverySourceRecord {
  readonly name: string;
  readonly arn: string;
  readonly resourceArns: readonly string[];
  /** The resource's service as its ARN names it (`cloudfront`). */
  readonly service: string;
  readonly logType: string;
  readonly deliverySourceConfiguration?: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface DeliveryDestinationRecord {
  readonly name: string;
  readonly arn: string;
  /** S3, CWL, FH or XRAY, from the destination resource's ARN. */
  readonly deliveryDestinationType: string;
  /** As the caller gave it; deliveries write json when it is absent. */
  readonly outputFormat?: string;
  readonly destinationResourceArn: string;
  readonly roleArn?: string;
  readonly policy?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface S3DeliverySettings {
  readonly suffixPath?: string;
  readonly enableHiveCompatiblePath?: boolean;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly arn: string;
  readonly deliverySourceName: string;
  readonly deliveryDestinationArn: string;
  readonly deliveryDestinationType: string;
  readonly recordFields: readonly string[];
  readonly fieldDelimiter?: string;
  readonly s3DeliveryConfiguration?: S3DeliverySettings;
  readonly tags: Readonly<Record<string, string>>;
}

/** One delivery as the edge's log writer needs it: the delivery with its source and destination. */
export interface ActiveDelivery {
  readonly delivery: DeliveryRecord;
  readonly source: DeliverySourceRecord;
  readonly destination: DeliveryDestinationRecord;
}

const NONE: readonly ActiveDelivery[] = Object.freeze([]);

/** One kind of record, keyed in memory and written through to the document store. */
class Records<T> {
  private readonly map = new Map<string, T>();
  private readonly store: DocumentStore;
  private readonly kind: string;
  private readonly keyOf: (record: T) => string;
  private readonly changed: () => void;

  constructor(store: DocumentStore, kind: string, keyOf: (record: T) => string, changed: () => void) {
    this.store = store;
    this.kind = kind;
    this.keyOf = keyOf;
    this.changed = changed;
  }
  load(): void {
    this.map.clear();
    for (const r of this.store.list<T>(this.kind)) this.map.set(this.keyOf(r), r);
  }
  get(key: string): T | undefined {
    return this.map.get(key);
  }
  list(): T[] {
    return [...this.map.values()];
  }
  put(record: T): void {
    const key = this.keyOf(record);
    this.store.put(this.kind, key, record);
    this.map.set(key, record);
    this.changed();
  }
  delete(key: string): void {
    this.store.delete(this.kind, key);
    this.map.delete(key);
    this.changed();
  }
}

export class LogsState {
  readonly accountId: string;
  /** Delivery sources by name. */
  readonly sources: Records<DeliverySourceRecord>;
  /** Delivery destinations by name. */
  readonly destinations: Records<DeliveryDestinationRecord>;
  /** Deliveries by id. */
  readonly deliveries: Records<DeliveryRecord>;
  /** Deliveries by the distribution id of their source's resource, rebuilt after any change. */
  private byDistribution: Map<string, ActiveDelivery[]> | undefined;

  constructor(store: DocumentStore, accountId: string) {
    this.accountId = accountId;
    const changed = () => (this.byDistribution = undefined);
    this.sources = new Records(store, "logs/delivery-source", (s) => s.name, changed);
    this.destinations = new Records(store, "logs/delivery-destination", (d) => d.name, changed);
    this.deliveries = new Records(store, "logs/delivery", (d) => d.id, changed);
    this.reload();
  }

  /** Reads everything from the store again (start-up, and after the reset endpoints cleared it). */
  reload(): void {
    this.sources.load();
    this.destinations.load();
    this.deliveries.load();
    this.byDistribution = undefined;
  }

  destinationByArn(arn: string): DeliveryDestinationRecord | undefined {
    return this.destinations.list().find((d) => d.arn === arn);
  }

  /**
   * The deliveries of a distribution's access logs: one Map lookup per edge request, by id (building
   * the distribution's ARN for the lookup cost twenty times as much, measured).
   */
  deliveriesForDistribution(distributionId: string): readonly ActiveDelivery[] {
    this.byDistribution ??= this.indexByDistribution();
    return this.byDistribution.get(distributionId) ?? NONE;
  }

  private indexByDistribution(): Map<string, ActiveDelivery[]> {
    const index = new Map<string, ActiveDelivery[]>();
    for (const delivery of this.deliveries.list()) {
      const source = this.sources.get(delivery.deliverySourceName);
      const destination = this.destinationByArn(delivery.deliveryDestinationArn);
      if (!source || !destination) continue;
      for (const arn of source.resourceArns) {
        const id = distributionIdOf(arn);
        if (id === undefined) continue;
        let list = index.get(id);
        if (!list) index.set(id, (list = []));
        list.push({ delivery, source, destination });
      }
    }
    return index;
  }
}
