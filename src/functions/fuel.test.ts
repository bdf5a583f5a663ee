// The fuel rewrite of a WebAssembly binary (fuel.ts), on a module small enough to write by hand,
// and on the QuickJS binary the sandbox loads.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FUEL_ADDRESS, FUEL_UNLIMITED, instrumentWasm } from "./fuel.ts";

// (module (import "m" "mem" (memory 1))
//   (func (export "spin") (param $n i32) (result i32) (local $i i32)
//     (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
//     (local.get $i)))
const SPIN = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
  0x02, 0x0a, 0x01, 0x01, 0x6d, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x08, 0x01, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00,
  0x0a, 0x19, 0x01, 0x17, 0x01, 0x01, 0x7f,
  0x03, 0x40, 0x20, 0x01, 0x41, 0x01, 0x6a, 0x21, 0x01, 0x20, 0x01, 0x20, 0x00, 0x48, 0x0d, 0x00, 0x0b,
  0x20, 0x01, 0x0b,
]);

function instantiate(bytes: Uint8Array): { spin: (n: number) => number; fuel: Int32Array } {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { m: { mem } });
  return { spin: instance.exports["spin"] as (n: number) => number, fuel: new Int32Array(mem.buffer, FUEL_ADDRESS, 1) };
}

describe("instrumentWasm", () => {
  it("makes every loop iteration spend one unit of fuel and trap when there is none left", () => {
    assert.equal(instantiate(SPIN).spin(1000), 1000, "the module as written");
    const fueled = instrumentWasm(SPIN);
    assert.ok(fueled && WebAssembly.validate(fueled as Uint8Array<ArrayBuffer>));
    const { spin, fuel } = instantiate(fueled);
    fuel[0] = 100;
    assert.equal(spin(100), 100);
    assert.equal(fuel[0], 0);
    fuel[0] = 100;
    assert.throws(() => spin(101), (err: unknown) => err instanceof WebAssembly.RuntimeError && /unreachable/.test(err.message));
  });

  it("gives up (undefined) on what it does not decode, or static data at the counter's address", () => {
    const simd = Uint8Array.from(SPIN);
    simd[simd.indexOf(0x6a)] = 0xfd; // i32.add → a SIMD prefix
    assert.equal(instrumentWasm(simd), undefined);
    const data = Uint8Array.from([...SPIN, 0x0b, 0x08, 0x01, 0x00, 0x41, 0x80, 0x04, 0x0b, 0x01, 0x00]); // one byte at FUEL_ADDRESS
    assert.equal(instrumentWasm(data), undefined);
  });

  it("decodes the QuickJS binary the sandbox runs", () => {
    const wasm = new Uint8Array(readFileSync(new URL(import.meta.resolve("@jitl/quickjs-wasmfile-release-sync/wasm"))));
    const fueled = instrumentWasm(wasm);
    assert.ok(fueled, "every instruction decoded");
    assert.ok(WebAssembly.validate(fueled as Uint8Array<ArrayBuffer>));
    assert.ok(fueled.length > wasm.length);
    assert.ok(FUEL_UNLIMITED > 0);
  });
});
