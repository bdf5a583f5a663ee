// Deterministic pseudo-random data for tests, so a failure can be replayed from the printed seed.

/** Deterministic PRNG (mulberry32): numbers in [0, 1) from a 32-bit seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` bytes drawn from `rand` (one call per byte), as a plain Uint8Array. */
export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** The same bytes as `randomBytes`, as a Buffer (a view, not a copy). */
export function randomBuffer(rand: () => number, n: number): Buffer {
  const bytes = randomBytes(rand, n);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
