// Decoder for the `aws-chunked` content encoding that the AWS SDKs and the aws CLI use to stream
// S3 PutObject / UploadPart bodies (SigV4 "chunked upload", with or without trailing checksums).
// Follows the S3 API reference pages "Signature Calculations for the Authorization Header:
// Transferring Payload in Multiple Chunks" and "... Including Trailing Headers":
//
//   <hex-size>[;chunk-signature=<sig>]\r\n<size bytes>\r\n   (repeated)
//   0[;chunk-signature=<sig>]\r\n
//   <name>:<value>\r\n                                      (zero or more trailers,
//   [x-amz-trailer-signature:<sig>\r\n]                     then possibly their signature)
//   \r\n
//
// This framing sits inside the HTTP body; any HTTP `transfer-encoding: chunked` (which the JS SDK
// also uses) has already been removed by node:http.
// Does not do: verify chunk or trailer signatures (the emulator accepts any credentials), enforce
// S3's 8 KiB minimum chunk size (the JS SDK sends whatever sizes its input stream yields), check
// the payload length against x-amz-decoded-content-length, or check that the trailers match
// x-amz-trailer. Callers do the last two with `decodedBytes`, `decodedLength()` and
// `declaredTrailers()`.

import { Transform } from "node:stream";
import type { TransformCallback } from "node:stream";

export type AwsChunkedErrorCode = "IncompleteBody" | "InvalidChunkSizeError" | "MalformedTrailerError";

/** A framing error; `code` is the S3 error code to answer with (all are HTTP 400). */
export class AwsChunkedError extends Error {
  readonly code: AwsChunkedErrorCode;
  constructor(code: AwsChunkedErrorCode, message: string) {
    super(message);
    this.name = "AwsChunkedError";
    this.code = code;
  }
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  // node:http lower-cases names, but callers may pass SDK-style or hand-written maps.
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    if (key !== undefined) value = headers[key];
  }
  return Array.isArray(value) ? value.join(",") : value;
}

function tokens(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== "");
}

/** True when the request body is aws-chunked framed and must go through AwsChunkedDecoder. */
export function isAwsChunked(headers: Headers): boolean {
  if (tokens(header(headers, "content-encoding")).includes("aws-chunked")) return true;
  // Some clients send a STREAMING-* payload hash without listing aws-chunked in content-encoding.
  return (header(headers, "x-amz-content-sha256") ?? "").trim().toUpperCase().startsWith("STREAMING-");
}

/** The object's payload length from `x-amz-decoded-content-length`; undefined if absent or not a number. */
export function decodedLength(headers: Headers): number | undefined {
  const raw = header(headers, "x-amz-decoded-content-length")?.trim();
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The Content-Encoding to store with the object: the request's codings minus aws-chunked, which
 * S3 strips because it describes the transfer, not the object. Undefined when nothing remains.
 */
export function remainingContentEncoding(headers: Headers): string | undefined {
  const raw = header(headers, "content-encoding");
  if (raw === undefined) return undefined;
  const kept = raw
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "" && t.toLowerCase() !== "aws-chunked");
  return kept.length > 0 ? kept.join(",") : undefined;
}

/** Trailer names announced in `x-amz-trailer`, lower-cased. */
export function declaredTrailers(headers: Headers): string[] {
  return tokens(header(headers, "x-amz-trailer"));
}

// A chunk header is at most ~16 hex digits plus a 64-hex (SigV4) or 144-char (SigV4a) signature;
// the limits only stop a bogus body from making the decoder buffer without bound.
const MAX_SIZE_LINE = 4096;
const MAX_TRAILER_SECTION = 16 * 1024;
const HEX_SIZE = /^[0-9a-fA-F]{1,16}$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const CR = 0x0d;
const LF = 0x0a;

type State =
  | "size" // reading a chunk-size line
  | "data" // passing `remaining` payload bytes through
  | "data-cr" // expecting the CR after chunk data
  | "data-lf" // expecting the LF after chunk data
  | "trailer" // reading trailer lines after the zero-size chunk
  | "done"; // the empty line after the trailers was read

/**
 * Transform from an aws-chunked body to the bare payload. Payload bytes are pushed as soon as they
 * arrive (views of the input buffers, no copies); only the current size or trailer line is held.
 * Framing errors are AwsChunkedError; a body that ends early fails with IncompleteBody on end().
 */
export class AwsChunkedDecoder extends Transform {
  private state: State = "size";
  private line = "";
  private remaining = 0;
  private decoded = 0;
  private trailerSectionBytes = 0;
  private readonly pending = new Map<string, string>();
  private finished: Record<string, string> = {};

  /** Trailers by lower-cased name (x-amz-trailer-signature included if sent); complete after 'end'. */
  get trailers(): Record<string, string> {
    return this.finished;
  }

  /** Payload bytes emitted so far; compare with decodedLength() after 'end'. */
  get decodedBytes(): number {
    return this.decoded;
  }

  override _transform(chunk: Buffer | Uint8Array | string, encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const buf = typeof chunk === "string" ? Buffer.from(chunk, encoding) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.consume(buf);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state === "done") return callback();
    // Ending right after the zero-size chunk line, with no trailer and no closing CRLF, loses
    // nothing (the zero chunk already marks the end) and is what the SDK's encoder emits when
    // it has no checksum to append, so it is accepted.
    if (this.state === "trailer" && this.pending.size === 0 && this.line === "") {
      this.finish();
      return callback();
    }
    callback(new AwsChunkedError("IncompleteBody", `aws-chunked body ended ${this.where()} (${this.decoded} payload bytes decoded)`));
  }

  private where(): string {
    switch (this.state) {
      case "size":
        return "inside or before a chunk-size line";
      case "data":
        return `with ${this.remaining} bytes of the current chunk missing`;
      case "data-cr":
      case "data-lf":
        return "before the CRLF that closes a chunk";
      case "trailer":
        return "inside the trailers, before the closing empty line";
      case "done":
        return "after the end";
    }
  }

  private consume(buf: Buffer): void {
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case "size":
        case "trailer": {
          const lf = buf.indexOf(LF, pos);
          const end = lf === -1 ? buf.length : lf;
          this.appendLine(buf, pos, end);
          if (lf === -1) return;
          pos = lf + 1;
          this.endLine();
          break;
        }
        case "data": {
          const n = Math.min(this.remaining, buf.length - pos);
          this.push(buf.subarray(pos, pos + n));
          this.remaining -= n;
          this.decoded += n;
          pos += n;
          if (this.remaining === 0) this.state = "data-cr";
          break;
        }
        case "data-cr":
        case "data-lf": {
          const expected = this.state === "data-cr" ? CR : LF;
          if (buf[pos] !== expected) {
            throw new AwsChunkedError("InvalidChunkSizeError", "chunk data is not followed by CRLF: the chunk is longer than its declared size");
          }
          pos++;
          this.state = this.state === "data-cr" ? "data-lf" : "size";
          break;
        }
        case "done":
          throw new AwsChunkedError("MalformedTrailerError", "data after the end of the aws-chunked body");
      }
    }
  }

  private appendLine(buf: Buffer, start: number, end: number): void {
    const n = end - start;
    if (this.state === "size") {
      if (this.line.length + n > MAX_SIZE_LINE) {
        throw new AwsChunkedError("InvalidChunkSizeError", `chunk-size line longer than ${MAX_SIZE_LINE} bytes`);
      }
    } else {
      // +1 counts the LF that ends the line, so the whole trailer section is bounded.
      this.trailerSectionBytes += n + (end < buf.length ? 1 : 0);
      if (this.trailerSectionBytes > MAX_TRAILER_SECTION) {
        throw new AwsChunkedError("MalformedTrailerError", `trailers longer than ${MAX_TRAILER_SECTION} bytes`);
      }
    }
    // latin1 maps bytes 1:1 to UTF-16 units, so lengths stay byte counts and nothing is rejected here.
    if (n > 0) this.line += buf.toString("latin1", start, end);
  }

  private endLine(): void {
    const raw = this.line;
    this.line = "";
    const code = this.state === "size" ? "InvalidChunkSizeError" : "MalformedTrailerError";
    if (!raw.endsWith("\r")) throw new AwsChunkedError(code, `line ends with a bare LF: ${quote(raw)}`);
    const content = raw.slice(0, -1);
    if (this.state === "size") this.onSizeLine(content);
    else this.onTrailerLine(content);
  }

  private onSizeLine(content: string): void {
    // Anything after ';' is a chunk extension (chunk-signature=...), deliberately not checked.
    const semi = content.indexOf(";");
    const hex = semi === -1 ? content : content.slice(0, semi);
    const size = HEX_SIZE.test(hex) ? parseInt(hex, 16) : NaN;
    if (!Number.isSafeInteger(size)) {
      throw new AwsChunkedError("InvalidChunkSizeError", `invalid chunk-size line ${quote(content)}`);
    }
    if (size === 0) {
      this.state = "trailer";
    } else {
      this.remaining = size;
      this.state = "data";
    }
  }

  private onTrailerLine(content: string): void {
    if (content === "") {
      this.finish();
      return;
    }
    const colon = content.indexOf(":");
    const name = colon === -1 ? "" : content.slice(0, colon).trim().toLowerCase();
    if (!TOKEN.test(name)) throw new AwsChunkedError("MalformedTrailerError", `malformed trailer line ${quote(content)}`);
    if (this.pending.has(name)) throw new AwsChunkedError("MalformedTrailerError", `trailer ${name} sent twice`);
    this.pending.set(name, content.slice(colon + 1).trim());
  }

  private finish(): void {
    // fromEntries defines own properties, so even a "__proto__" trailer stays plain data.
    this.finished = Object.freeze(Object.fromEntries(this.pending));
    this.state = "done";
  }
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);
}
