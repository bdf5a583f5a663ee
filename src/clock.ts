// Time for everything that emulates AWS behaviour (deploy delays, TTLs, expiries). Logic reads
// `clock.now()`, never Date.now(), so tests can move time instead of sleeping (docs/style.md).

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}
