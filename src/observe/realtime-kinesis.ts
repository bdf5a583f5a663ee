// Delivery of real-time log records to Kinesis Data Streams with PutRecords (CloudFront Developer
// Guide, "Real-time logs": records go to the stream of the configuration's endpoint; Kinesis API
// reference, "PutRecords": at most 500 records and 5 MiB a call, a record's failure reported in its
// result entry). Records are batched off the request path: queued per stream and sent a moment
// later (or at once when a full batch is waiting), one call in flight at a time. The stream is named
// by StreamName, taken from the ARN (kinesalite, which the tests use, does not take StreamARN), in
// the ARN's region. The partition key is the request id: CloudFront does not document its own, and
// a per-request key spreads records over shards as CloudFront's do.
// A failing endpoint never reaches a viewer: the failure is logged once until a delivery succeeds
// again, the records are retried with a growing pause, and dropped (with a warning) beyond
// MAX_ATTEMPTS tries or when more than MAX_QUEUED wait for one stream; AWS too delivers on a
// best-effort basis ("a log entry might not be delivered at all").
import type { Logger } from "../log.ts";

/** PutRecords quotas (Kinesis API reference, "PutRecords"). */
export const MAX_BATCH_RECORDS = 500;
const MAX_BATCH_BYTES = 5 * 1024 * 1024;
/** Tries a record gets, and records that may wait per stream, before they are dropped. */
export const MAX_ATTEMPTS = 5;
export const MAX_QUEUED = 10_000;
/** Pause before a batch is sent (records arriving meanwhile join it), and the longest pause after failures. */
const BATCH_DELAY_MS = 50;
const MAX_BACKOFF_MS = 10_000;

export interface KinesisDeliveryOptions {
  readonly endpoint: string;
  readonly log: Logger;
  /** Sends one batch; by default the SDK's PutRecords (tests pass their own). */
  readonly putRecords?: PutRecordsFn;
}

/** Sends records to a stream; resolves with, per record, whether it failed (true) or was stored. */
export type PutRecordsFn = (stream: StreamRef, records: readonly { data: Buffer; partitionKey: string }[]) => Promise<boolean[]>;

export interface StreamRef {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
}

export interface KinesisDelivery {
  enqueue(streamArn: string, line: string, partitionKey: string): void;
  /** Sends what is queued now; resolves when each stream's queue is empty or its endpoint failed. */
  flush(): Promise<void>;
  /** A last flush, then no more timers. */
  dispose(): Promise<void>;
}

interface Queued {
  readonly data: Buffer;
  readonly partitionKey: string;
  attempts: number;
}

/** `arn:aws:kinesis:<region>:<account>:stream/<name>` → its parts (undefined for anything else). */
export function streamOf(arn: string): StreamRef | undefined {
  const m = /^arn:[^:]+:kinesis:([^:]+):\d{12}:stream\/(.+)$/.exec(arn);
  return m ? { arn, region: m[1] as string, name: m[2] as string } : undefined;
}

export function createKinesisDelivery(opts: KinesisDeliveryOptions): KinesisDelivery {
  const put = opts.putRecords ?? sdkPutRecords(opts.endpoint);
  const queues = new Map<string, Queued[]>();
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> | undefined;
  let failures = 0;
  let dropped = 0;
  let disposed = false;

  function schedule(delay: number): void {
    if (timer || disposed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void sendAll();
    }, delay);
    timer.unref();
  }

  function requeue(arn: string, items: Queued[]): void {
    const queue = queues.get(arn) ?? [];
    for (const item of items) if (++item.attempts < MAX_ATTEMPTS) queue.push(item);
    else dropped++;
    queues.set(arn, queue);
  }

  async function sendBatch(arn: string, queue: Queued[]): Promise<boolean> {
    const stream = streamOf(arn);
    let bytes = 0;
    let n = 0;
    while (n < queue.length && n < MAX_BATCH_RECORDS && bytes + (queue[n] as Queued).data.length <= MAX_BATCH_BYTES) bytes += (queue[n++] as Queued).data.length;
    const batch = queue.splice(0, Math.max(n, 1));
    if (!stream) {
      dropped += batch.length;
      return true;
    }
    try {
      const failed = await put(stream, batch.map((q) => ({ data: q.data, partitionKey: q.partitionKey })));
      requeue(arn, batch.filter((_, i) => failed[i] === true));
      if (failures > 0) opts.log.info(`real-time logs: delivering to Kinesis at ${opts.endpoint} again`);
      failures = 0;
      return true;
    } catch (err) {
      if (failures === 0) opts.log.warn(`real-time logs: cannot deliver to Kinesis stream ${stream.name} at ${opts.endpoint} (${err instanceof Error ? err.message : String(err)}); retrying, records beyond ${MAX_ATTEMPTS} tries or ${MAX_QUEUED} waiting are dropped`);
      failures++;
      requeue(arn, batch);
      return false;
    }
  }

  /** One pass over the queues; a stream whose endpoint fails is left for the next pass. */
  async function sendAll(): Promise<void> {
    if (sending) return sending;
    sending = (async () => {
      for (const [arn, queue] of queues) {
        while (queue.length > 0) if (!(await sendBatch(arn, queue))) break;
        if (queue.length === 0) queues.delete(arn);
      }
      if (dropped > 0) {
        opts.log.warn(`real-time logs: ${dropped} records dropped for Kinesis at ${opts.endpoint}`);
        dropped = 0;
      }
    })().finally(() => {
      sending = undefined;
      if (queues.size > 0) schedule(failures > 0 ? Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(failures, 5)) : BATCH_DELAY_MS);
    });
    return sending;
  }

  return {
    enqueue(streamArn, line, partitionKey) {
      let queue = queues.get(streamArn);
      if (!queue) queues.set(streamArn, (queue = []));
      queue.push({ data: Buffer.from(line), partitionKey, attempts: 0 });
      if (queue.length > MAX_QUEUED) {
        queue.splice(0, queue.length - MAX_QUEUED);
        dropped++;
      }
      schedule(queue.length >= MAX_BATCH_RECORDS ? 0 : BATCH_DELAY_MS);
    },
    async flush() {
      await sending;
      if (queues.size > 0) await sendAll();
    },
    async dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await sending;
      if (queues.size > 0) await sendAll();
    },
  };
}

/** PutRecords through @aws-sdk/client-kinesis, loaded on the first delivery; one client per region. */
function sdkPutRecords(endpoint: string): PutRecordsFn {
  const clients = new Map<string, Promise<(stream: StreamRef, records: readonly { data: Buffer; partitionKey: string }[]) => Promise<boolean[]>>>();
  return async (stream, records) => {
    let client = clients.get(stream.region);
    if (!client) {
      client = Promise.all([import("@aws-sdk/client-kinesis"), import("@smithy/node-http-handler")]).then(([{ KinesisClient, PutRecordsCommand }, { NodeHttpHandler }]) => {
        // HTTP/1.1: the SDK's default HTTP/2 handler is for SubscribeToShard; kinesalite speaks only HTTP/1.1.
        const kinesis = new KinesisClient({
          endpoint,
          region: stream.region,
          maxAttempts: 1,
          credentials: { accessKeyId: "minifront-realtime-logs", secretAccessKey: "minifront" },
          requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
        });
        return async (s: StreamRef, rs: readonly { data: Buffer; partitionKey: string }[]) => {
          const out = await kinesis.send(new PutRecordsCommand({ StreamName: s.name, Records: rs.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })) }));
          return rs.map((_, i) => out.Records?.[i]?.ErrorCode !== undefined);
        };
      });
      clients.set(stream.region, client);
    }
    return (await client)(stream, records);
  };
}
