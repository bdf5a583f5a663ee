// The native half of the prelude (sandbox-prelude.js): logging stays inside QuickJS, so the host
// offers hashing (node:crypto), byte conversion (Buffer) and KVS reads, and nothing else: no
// function here can reach the Node process beyond those. Each call costs about 10 µs of
// quickjs-emscripten overhead (README.md "Not done").
import { createHash, createHmac } from "node:crypto";
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from "quickjs-emscripten-core";
import type { KvsReader } from "./sandbox-types.ts";

/** What a host function needs of the context it serves. */
export interface HostContext {
  readonly ctx: QuickJSContext;
  readonly disposed: boolean;
  /** Host operations (KVS reads) the run is waiting for. */
  pending: number;
  /** Their promises inside QuickJS, released before the context is disposed. */
  readonly deferreds: Set<QuickJSDeferredPromise>;
  /** Wakes the run waiting for a host operation. */
  wake: (() => void) | undefined;
}

/** The native half of the prelude: logging, hashing, byte conversion, KVS reads. */
export function hostObject(entry: HostContext, kvs: KvsReader, slice: (entry: HostContext, run: () => void) => void): QuickJSHandle {
  const { ctx } = entry;
  const host = ctx.newObject();
  const fn = (name: string, impl: (...args: QuickJSHandle[]) => QuickJSHandle | undefined) => {
    const h = ctx.newFunction(name, impl);
    ctx.setProp(host, name, h);
    h.dispose();
  };
  fn("digest", (alg, key, data, encoding) => {
    const algorithm = ctx.getString(alg);
    const hash = ctx.typeof(key) === "undefined" ? createHash(algorithm) : createHmac(algorithm, bytesOrString(ctx, key));
    hash.update(bytesOrString(ctx, data));
    const enc = ctx.getString(encoding);
    if (enc === "buffer") return newArrayBuffer(ctx, hash.digest());
    return ctx.newString(hash.digest(enc === "latin1" ? "binary" : (enc as "hex" | "base64" | "base64url")));
  });
  fn("encode", (data, encoding) => ctx.newString(Buffer.from(arrayBufferBytes(ctx, data)).toString(ctx.getString(encoding) as BufferEncoding)));
  // For text with NUL characters, which newString would cut off (see the prelude).
  fn("encodeJson", (data, encoding) => ctx.newString(JSON.stringify(Buffer.from(arrayBufferBytes(ctx, data)).toString(ctx.getString(encoding) as BufferEncoding))));
  fn("decode", (text, encoding) => newArrayBuffer(ctx, Buffer.from(ctx.getString(text), ctx.getString(encoding) as BufferEncoding)));
  fn("kvs", (op, arn, key) => kvsRead(entry, kvs, slice, ctx.getString(op) as "get" | "meta", ctx.getString(arn), ctx.getString(key)));
  return host;
}

/**
 * A KVS read: the answer itself when the reader has it at once (values travel as JSON text:
 * newString would cut a value at a NUL character), otherwise a promise inside QuickJS, settled
 * when the answer arrives (the run waits for it).
 */
function kvsRead(entry: HostContext, kvs: KvsReader, slice: (entry: HostContext, run: () => void) => void, op: "get" | "meta", arn: string, key: string): QuickJSHandle {
  const { ctx } = entry;
  const asText = (v: string | undefined) => (v === undefined || op === "meta" ? v : JSON.stringify(v));
  const answer = kvs(op, arn, key);
  if (!(answer instanceof Promise)) {
    const text = asText(answer);
    return text === undefined ? ctx.undefined : ctx.newString(text);
  }
  const deferred = ctx.newPromise();
  entry.deferreds.add(deferred);
  entry.pending++;
  const settle = (value: string | undefined, error?: string) => {
    entry.pending--;
    entry.deferreds.delete(deferred);
    if (entry.disposed || !deferred.alive) return;
    const run = () => {
      if (error !== undefined) {
        const e = ctx.newError(error);
        deferred.reject(e);
        e.dispose();
      } else if (value === undefined) {
        deferred.resolve(ctx.undefined);
      } else {
        const s = ctx.newString(value);
        deferred.resolve(s);
        s.dispose();
      }
      deferred.dispose();
    };
    slice(entry, run);
    const wake = entry.wake;
    entry.wake = undefined;
    wake?.();
  };
  answer.then(
    (v) => settle(asText(v)),
    (err: unknown) => settle(undefined, err instanceof Error ? err.message : String(err)),
  );
  return deferred.handle;
}

/** `TypeError: message` for an Error, the value itself otherwise. */
export function errorText(ctx: QuickJSContext, error: QuickJSHandle): string {
  if (ctx.typeof(error) === "object") {
    const name = ctx.getProp(error, "name");
    const message = ctx.getProp(error, "message");
    try {
      if (ctx.typeof(message) === "string") {
        const n = ctx.typeof(name) === "string" ? ctx.getString(name) : "Error";
        return `${n}: ${ctx.getString(message)}`;
      }
    } finally {
      name.dispose();
      message.dispose();
    }
  }
  try {
    return String(ctx.dump(error));
  } catch {
    return "an exception that cannot be displayed";
  }
}

function bytesOrString(ctx: QuickJSContext, h: QuickJSHandle): string | Buffer {
  return ctx.typeof(h) === "string" ? ctx.getString(h) : arrayBufferBytes(ctx, h);
}

/** A copy of an ArrayBuffer's bytes out of the WebAssembly memory. */
function arrayBufferBytes(ctx: QuickJSContext, h: QuickJSHandle): Buffer {
  const view = ctx.getArrayBuffer(h);
  try {
    return Buffer.from(view.value);
  } finally {
    view.dispose();
  }
}

function newArrayBuffer(ctx: QuickJSContext, bytes: Buffer): QuickJSHandle {
  return ctx.newArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
