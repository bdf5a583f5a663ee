// Standard logging (v2) delivery (CloudFront Developer Guide, "Configure standard logging (v2)"):
// a distribution that is the resource of a CloudWatch Logs delivery source (logType ACCESS_LOGS)
// with a delivery to an S3 destination gets files in that bucket, in the destination's output
// format (vended-log-format.ts), with the delivery's record fields (vended-log-fields.ts), under
// the key the destination prefix and the delivery's suffix path make (vended-log-keys.ts). Lines
// are buffered per delivery, distribution and hour and written on the legacy logs' schedule
// (every `--log-delivery-interval`, at shutdown, on flush), through the same S3 writer, to the
// embedded S3 or --s3-endpoint.
// Not emulated: deliveries to CloudWatch Logs and Firehose destinations (configured, never
// written), the bucket policy check for delivery.logs.amazonaws.com, cross-account destinations.
import { randomBytes } from "node:crypto";
import type { Logger } from "../log.ts";
import type { ActiveDelivery } from "../services/logs/state.ts";
import type { EdgeRecord } from "./edge-record.ts";
import type { RecordSink } from "./observer.ts";
import { vendedLogValues } from "./vended-log-fields.ts";
import { vendedLogFile } from "./vended-log-format.ts";
import { s3Destination, vendedLogKey } from "./vended-log-keys.ts";

export interface VendedLogDeps {
  /** The deliveries of a distribution's access logs (LogsState.deliveriesForDistribution). */
  readonly deliveriesOf: (distributionId: string) => readonly ActiveDelivery[];
  readonly accountId: string;
  /** Writes one file; rejects when the bucket refuses it. */
  readonly put: (bucket: string, key: string, body: Buffer, contentType: string) => Promise<void>;
  readonly log: Logger;
}

export interface VendedLogs {
  readonly sink: RecordSink;
  /** Writes every buffered record now; resolves when the files are stored. */
  flush(): Promise<void>;
}

interface Pending {
  readonly delivery: ActiveDelivery;
  readonly distributionId: string;
  readonly time: number;
  readonly rows: string[][];
}

export function createVendedLogs(deps: VendedLogDeps): VendedLogs {
  let pending = new Map<string, Pending>();

  const sink: RecordSink = (r: EdgeRecord) => {
    const deliveries = deps.deliveriesOf(r.distributionId);
    if (deliveries.length === 0) return;
    const hour = Math.floor(r.time / 3_600_000);
    for (const active of deliveries) {
      if (active.destination.deliveryDestinationType !== "S3" || active.source.logType !== "ACCESS_LOGS") continue;
      const id = `${active.delivery.id}\u0001${r.distributionId}\u0001${hour}`;
      let p = pending.get(id);
      // A delivery changed since (UpdateDeliveryConfiguration) starts a new file with its new fields.
      if (p && (p.delivery.delivery !== active.delivery || p.delivery.destination !== active.destination)) {
        void write(p);
        p = undefined;
      }
      if (!p) pending.set(id, (p = { delivery: active, distributionId: r.distributionId, time: r.time, rows: [] }));
      p.rows.push(vendedLogValues(r, active.delivery.recordFields));
    }
  };

  async function write(p: Pending): Promise<void> {
    const { delivery, destination } = p.delivery;
    const { bucket } = s3Destination(destination.destinationResourceArn);
    try {
      const file = await vendedLogFile(destination.outputFormat, delivery.recordFields, delivery.fieldDelimiter, p.rows);
      const key = vendedLogKey({
        destinationResourceArn: destination.destinationResourceArn,
        suffixPath: delivery.s3DeliveryConfiguration?.suffixPath,
        hive: delivery.s3DeliveryConfiguration?.enableHiveCompatiblePath === true,
        accountId: deps.accountId,
        distributionId: p.distributionId,
        time: p.time,
        unique: randomBytes(4).toString("hex"),
        extension: file.extension,
      });
      await deps.put(bucket, key, file.body, file.contentType);
    } catch (err) {
      deps.log.warn(`standard logs (v2): cannot write ${p.rows.length} records of delivery ${delivery.id} to s3://${bucket}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async function flush(): Promise<void> {
    const files = [...pending.values()];
    pending = new Map();
    await Promise.all(files.map(write));
  }

  return { sink, flush };
}
