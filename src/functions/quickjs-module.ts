// The QuickJS WebAssembly module (docs/decisions.md "CloudFront Functions sandbox"): the release build of
// @jitl/quickjs-wasmfile-release-sync, instrumented with fuel (fuel.ts) when possible, compiled once
// per thread and instantiated with a memory of its own whose growth the sandbox may refuse.
import { readFileSync } from "node:fs";
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSSyncVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";
import * as releaseSyncModule from "@jitl/quickjs-wasmfile-release-sync";
import { FUEL_ADDRESS, FUEL_UNLIMITED, instrumentWasm } from "./fuel.ts";

// The package's types describe it as CommonJS, so TypeScript types a default import as the whole
// module; under ESM (how Node loads it here) the namespace's `default` is the variant.
const RELEASE_SYNC_VARIANT = (releaseSyncModule as unknown as { default: QuickJSSyncVariant }).default;
const WASM_URL = new URL(import.meta.resolve("@jitl/quickjs-wasmfile-release-sync/wasm"));
/** WebAssembly pages (64 KiB) of one module's memory: QuickJS's default, 2 GiB. */
const MAX_MEMORY_PAGES = 32768;
const INITIAL_MEMORY_PAGES = 256;

/** A QuickJS WebAssembly module with the memory it runs in. */
export interface LoadedQuickJS {
  readonly qjs: QuickJSWASMModule;
  readonly memory: WebAssembly.Memory;
  /** The module counts loop iterations (fuel.ts); false when the binary could not be instrumented. */
  readonly fuel: boolean;
  /** Asked before the WASM heap grows to `bytes`; false refuses (the allocation fails). */
  growthGuard: ((bytes: number) => boolean) | undefined;
  /** The WASM heap's size, kept here as it grows (reading `memory.buffer` costs a call each run). */
  heapBytes: number;
}

let compiled: Promise<{ module: WebAssembly.Module; fuel: boolean }> | undefined;

/** The QuickJS binary, instrumented with fuel (fuel.ts) when possible; compiled once per thread. */
function compiledModule(): Promise<{ module: WebAssembly.Module; fuel: boolean }> {
  compiled ??= (async () => {
    const raw = new Uint8Array(readFileSync(WASM_URL));
    const fueled = instrumentWasm(raw);
    const bytes = fueled && WebAssembly.validate(fueled as Uint8Array<ArrayBuffer>) ? fueled : raw;
    return { module: await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>), fuel: bytes === fueled };
  })();
  return compiled;
}

/** Loads a QuickJS WebAssembly module with its own memory (about 10 ms; the binary compiles once). */
export async function loadQuickJS(): Promise<LoadedQuickJS> {
  const { module, fuel } = await compiledModule();
  const memory = new WebAssembly.Memory({ initial: INITIAL_MEMORY_PAGES, maximum: MAX_MEMORY_PAGES });
  // Fuel must not run out while Emscripten starts the module.
  new Int32Array(memory.buffer, FUEL_ADDRESS, 1)[0] = FUEL_UNLIMITED;
  const loaded: LoadedQuickJS = { qjs: undefined as unknown as QuickJSWASMModule, memory, fuel, growthGuard: undefined, heapBytes: memory.buffer.byteLength };
  // Emscripten grows the heap through this Memory object's grow(); a throw is a failed malloc.
  const grow = memory.grow.bind(memory);
  Object.defineProperty(memory, "grow", {
    value: (delta: number): number => {
      if (loaded.growthGuard && !loaded.growthGuard(memory.buffer.byteLength + delta * 65536)) throw new RangeError("WebAssembly heap growth refused");
      const before = grow(delta);
      loaded.heapBytes = memory.buffer.byteLength;
      return before;
    },
  });
  const qjs = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC_VARIANT, { wasmModule: module, wasmMemory: memory }));
  return Object.assign(loaded, { qjs });
}
