// GetObjectTorrent (API reference; user guide "Using BitTorrent with Amazon S3", a feature S3 has
// since retired for new objects): a .torrent file (BitTorrent spec, BEP 3) for the object, with a
// web seed (BEP 19 `url-list`) pointing back at the object on this endpoint so that any client can
// fetch the data. Pieces are 256 KiB, hashed with SHA-1. Not done: a tracker `announce` URL
// (there is no tracker here) and the 5 GB limit (objects are at most 5 TiB here too).
import type { GetObjectTorrentOutput, GetObjectTorrentRequest } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import type { S3Context } from "../context.ts";
import { mustGetBucket } from "./buckets.ts";
import { mustGetVersion } from "./version-lookup.ts";

const PIECE_BYTES = 256 * 1024;

type Bencodable = number | string | Buffer | Bencodable[] | { [key: string]: Bencodable };

/** BEP 3 bencoding: dictionaries with keys in byte order. */
export function bencode(value: Bencodable): Buffer {
  if (typeof value === "number") return Buffer.from(`i${Math.trunc(value)}e`);
  if (typeof value === "string" || Buffer.isBuffer(value)) {
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value);
    return Buffer.concat([Buffer.from(`${bytes.length}:`), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([Buffer.from("l"), ...value.map(bencode), Buffer.from("e")]);
  const keys = Object.keys(value).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return Buffer.concat([Buffer.from("d"), ...keys.flatMap((k) => [bencode(k), bencode(value[k] as Bencodable)]), Buffer.from("e")]);
}

export async function GetObjectTorrent(input: GetObjectTorrentRequest, ctx: S3Context): Promise<GetObjectTorrentOutput> {
  const bucket = mustGetBucket(ctx, input.Bucket);
  const obj = mustGetVersion(ctx, bucket, input.Key, undefined);
  const pieces: Buffer[] = [];
  let pending = Buffer.alloc(0);
  for await (const chunk of ctx.service.storage.readBlob(obj.blob)) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= PIECE_BYTES) {
      pieces.push(createHash("sha1").update(pending.subarray(0, PIECE_BYTES)).digest());
      pending = pending.subarray(PIECE_BYTES);
    }
  }
  if (pending.length > 0 || pieces.length === 0) pieces.push(createHash("sha1").update(pending).digest());
  const name = obj.key.slice(obj.key.lastIndexOf("/") + 1) || obj.key;
  const torrent = bencode({
    "created by": "minifront",
    "creation date": Math.floor(ctx.service.clock.now() / 1000),
    info: { length: obj.size, name, "piece length": PIECE_BYTES, pieces: Buffer.concat(pieces) },
    "url-list": [`${ctx.baseUrl}/${bucket.name}/${obj.key.split("/").map(encodeURIComponent).join("/")}`],
  });
  return { Body: torrent as unknown as GetObjectTorrentOutput["Body"] };
}
