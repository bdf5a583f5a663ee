// A "fuel" counter for the QuickJS WebAssembly module, so that work QuickJS's own interrupt
// handler cannot see still ends (README.md "Running on the edge's thread").
//
// QuickJS polls its interrupt handler every 10,000 function calls or backward jumps of JavaScript,
// not while one of its C built-ins runs. Measured with this build: `for (;;) s.toUpperCase()` on a
// 200,000-character string reached the handler after 30 s, and
// `Array.prototype.every.call({length: 1e9}, f)` never did (71 s). A worker thread can be
// terminated; the edge's own thread cannot. So the module is rewritten once at load: at the top of
// every `loop` of every function, a counter at a fixed address in linear memory is decremented,
// and the loop traps (`unreachable`) when it reaches zero. The host refills the counter before each
// slice of QuickJS work. A trap leaves the module in an unknown state: the sandbox that sees one
// stops using the module (sandbox.ts `broken`).
//
// The address is below Emscripten's static data (GLOBAL_BASE 1024): nothing else uses it, which
// `instrumentWasm` checks against the data segments. Anything unexpected in the binary (SIMD,
// atomics, exception handling) makes it return undefined: the caller then runs without fuel.

/** Byte address of the fuel counter (an i32) in the module's linear memory. */
export const FUEL_ADDRESS = 512;
/** The counter's value when no limit applies (about 2^31 loop iterations: seconds of work). */
export const FUEL_UNLIMITED = 0x7fffffff;

// i32.const ADDR; i32.load; i32.eqz; if; unreachable; end;
// i32.const ADDR; i32.const ADDR; i32.load; i32.const 1; i32.sub; i32.store
const ADDR = leb(FUEL_ADDRESS);
const CHECK = Uint8Array.from([
  0x41, ...ADDR, 0x28, 0x02, 0x00, 0x45, 0x04, 0x40, 0x00, 0x0b,
  0x41, ...ADDR, 0x41, ...ADDR, 0x28, 0x02, 0x00, 0x41, 0x01, 0x6b, 0x36, 0x02, 0x00,
]);

const SECTION_CODE = 10;
const SECTION_DATA = 11;

/**
 * Returns `wasm` with a fuel check at the top of every loop, or undefined when the binary holds
 * something this rewriter does not decode.
 */
export function instrumentWasm(wasm: Uint8Array): Uint8Array | undefined {
  try {
    return rewrite(wasm);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

class Unsupported extends Error {}

function rewrite(wasm: Uint8Array): Uint8Array | undefined {
  if (wasm.length < 8 || wasm[0] !== 0x00 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) throw new Unsupported("not a WebAssembly module");
  const out: Uint8Array[] = [wasm.subarray(0, 8)];
  const r = new Reader(wasm, 8);
  while (r.pos < wasm.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const body = r.pos;
    r.pos += size;
    if (id === SECTION_DATA) checkDataSegments(wasm.subarray(body, body + size));
    if (id !== SECTION_CODE) {
      out.push(wasm.subarray(start, r.pos));
      continue;
    }
    const code = rewriteCode(wasm.subarray(body, body + size));
    out.push(Uint8Array.of(SECTION_CODE), Uint8Array.from(leb(code.length)), code);
  }
  return concat(out);
}

/** The fuel address must not overlap static data. */
function checkDataSegments(section: Uint8Array): void {
  const r = new Reader(section, 0);
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    const flags = r.u32();
    if (flags === 1) {
      r.pos += r.u32(); // passive segment: no address
      continue;
    }
    if (flags === 2) r.u32(); // memory index
    if (r.byte() !== 0x41) throw new Unsupported("data segment offset is not an i32.const");
    const offset = r.s32();
    if (r.byte() !== 0x0b) throw new Unsupported("data segment offset is not a constant");
    const length = r.u32();
    if (offset < FUEL_ADDRESS + 4 && offset + length > FUEL_ADDRESS) throw new Unsupported("static data covers the fuel address");
    r.pos += length;
  }
}

function rewriteCode(section: Uint8Array): Uint8Array {
  const r = new Reader(section, 0);
  const count = r.u32();
  const out: Uint8Array[] = [Uint8Array.from(leb(count))];
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const body = rewriteBody(section.subarray(r.pos, r.pos + size));
    r.pos += size;
    out.push(Uint8Array.from(leb(body.length)), body);
  }
  return concat(out);
}

function rewriteBody(body: Uint8Array): Uint8Array {
  const r = new Reader(body, 0);
  const groups = r.u32();
  for (let i = 0; i < groups; i++) {
    r.u32();
    r.byte();
  }
  const out: Uint8Array[] = [];
  let copied = 0;
  while (r.pos < body.length) {
    const op = r.byte();
    if (op === 0x03) {
      blockType(r);
      out.push(body.subarray(copied, r.pos), CHECK);
      copied = r.pos;
    } else {
      skipImmediates(r, op);
    }
  }
  out.push(body.subarray(copied));
  return concat(out);
}

function blockType(r: Reader): void {
  const b = r.peek();
  if (b === 0x40 || b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f) r.pos++;
  else r.s64(); // a type index (s33)
}

/** Skips the immediates of `op` (WebAssembly 2.0 core, without SIMD, atomics or exceptions). */
function skipImmediates(r: Reader, op: number): void {
  if (op === 0x02 || op === 0x04) return blockType(r);
  if (op === 0x0c || op === 0x0d || op === 0x10 || op === 0x12 || (op >= 0x20 && op <= 0x26) || op === 0xd2) {
    r.u32();
    return;
  }
  if (op === 0x0e) {
    const n = r.u32();
    for (let i = 0; i <= n; i++) r.u32();
    return;
  }
  if (op === 0x11 || op === 0x13) {
    r.u32();
    r.u32();
    return;
  }
  if (op === 0x1c) {
    r.pos += r.u32();
    return;
  }
  if (op >= 0x28 && op <= 0x3e) {
    r.u32();
    r.u32();
    return;
  }
  if (op === 0x3f || op === 0x40 || op === 0xd0) {
    r.pos++;
    return;
  }
  if (op === 0x41) return void r.s32();
  if (op === 0x42) return void r.s64();
  if (op === 0x43) {
    r.pos += 4;
    return;
  }
  if (op === 0x44) {
    r.pos += 8;
    return;
  }
  if (op === 0xfc) return skipPrefixed(r);
  if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4) || op === 0xd1) return;
  throw new Unsupported(`opcode 0x${op.toString(16)}`);
}

function skipPrefixed(r: Reader): void {
  const sub = r.u32();
  if (sub <= 7) return;
  if (sub === 8) {
    r.u32();
    r.pos++;
    return;
  }
  if (sub === 9 || sub === 13 || sub === 15 || sub === 16 || sub === 17) return void r.u32();
  if (sub === 10) {
    r.pos += 2;
    return;
  }
  if (sub === 11) {
    r.pos++;
    return;
  }
  if (sub === 12 || sub === 14) {
    r.u32();
    r.u32();
    return;
  }
  throw new Unsupported(`opcode 0xfc ${sub}`);
}

class Reader {
  readonly buf: Uint8Array;
  pos: number;
  constructor(buf: Uint8Array, pos: number) {
    this.buf = buf;
    this.pos = pos;
  }
  byte(): number {
    if (this.pos >= this.buf.length) throw new Unsupported("truncated");
    return this.buf[this.pos++] as number;
  }
  peek(): number {
    return this.buf[this.pos] ?? -1;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return result;
    }
  }
  /** A signed LEB128 (value not needed, only its length; the 32-bit value is returned). */
  s32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      if (shift < 32) result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b >= 0x80);
    return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
  }
  s64(): void {
    while (this.byte() >= 0x80);
  }
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
