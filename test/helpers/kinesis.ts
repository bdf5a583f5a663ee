// A real Kinesis for the real-time log tests: kinesalite (in memory) on a free 127.0.0.1 port, and
// an SDK consumer that reads a stream back with GetShardIterator/GetRecords, as a Kinesis Data
// Streams consumer of CloudFront's real-time logs would.
import { createRequire } from "node:module";
import type { Server } from "node:http";
import { CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { CREDENTIALS } from "./emulator.ts";

const require = createRequire(import.meta.url);

export interface Kinesalite {
  readonly endpoint: string;
  readonly client: KinesisClient;
  /** Creates an ACTIVE stream and answers its ARN. */
  createStream(name: string, shards?: number): Promise<string>;
  /** Every record in the stream so far, from all shards, as text. */
  readAll(name: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startKinesalite(): Promise<Kinesalite> {
  const kinesalite = require("kinesalite") as (options: Record<string, number>) => Server;
  // No artificial delays: a created stream is ACTIVE at once.
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // HTTP/1.1: kinesalite does not speak the HTTP/2 the Kinesis client uses by default.
  const client = new KinesisClient({ endpoint, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  return {
    endpoint,
    client,
    async createStream(name, shards = 1) {
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      const d = await client.send(new DescribeStreamCommand({ StreamName: name }));
      return d.StreamDescription?.StreamARN ?? "";
    },
    async readAll(name) {
      const d = await client.send(new DescribeStreamCommand({ StreamName: name }));
      const out: string[] = [];
      for (const shard of d.StreamDescription?.Shards ?? []) {
        const it = await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }));
        let iterator = it.ShardIterator;
        while (iterator) {
          const got = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
          for (const r of got.Records ?? []) out.push(Buffer.from(r.Data ?? new Uint8Array()).toString("utf8"));
          if ((got.Records ?? []).length === 0) break;
          iterator = got.NextShardIterator;
        }
      }
      return out;
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
