// Edge locations and the cache tiers behind them (docs/edge.md §16): each POP has its own cache
// in front of one regional edge cache (REC), and Origin Shield is one more tier when an origin
// enables it. The fast path and the full pipeline both go through here, so a hit is the same
// answer on either: which POP, which tiers in which order, and how a hit fills the tiers in front.
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { CachedResponse } from "./cached-response.ts";
import type { CacheStore } from "./cache-store.ts";

/** The header through which a viewer picks a POP (emulator extension, README "Edge locations"). */
export const POP_HEADER = "x-minifront-pop";
const REC = "REC";
const SHIELD = "Origin Shield";

/** Where a cached response came from, for Server-Timing's cdn-hit-layer (docs/edge.md §11, §16). */
export type Layer = "EDGE" | "REC" | "Origin Shield";
const LAYERS: readonly Layer[] = ["EDGE", "REC", "Origin Shield"];

/** One edge location: its code, and the Via name of its server (fixed for the process). */
export interface Pop {
  readonly code: string;
  readonly via: string;
  /** Its Via and X-Amz-Cf-Pop as header lines, for pre-rendered hits. */
  readonly lines: string;
  /** Cache tiers a request through this POP looks in, in order, without and with Origin Shield. */
  readonly tiers: readonly string[];
  readonly shieldTiers: readonly string[];
}

/** A fresh entry found in a tier, and which one (0 = the POP's own). */
export interface TierHit {
  readonly entry: CachedResponse;
  readonly tier: number;
}

export class EdgeLocations {
  private readonly byCode: ReadonlyMap<string, Pop>;
  /** Serves requests that do not pick a POP (the first configured). */
  readonly defaultPop: Pop;

  constructor(codes: readonly string[]) {
    // Each POP is one edge server: its Via name is fixed for the process, as a real edge host's is.
    this.byCode = new Map(
      codes.map((code) => {
        const via = `1.1 ${randomBytes(16).toString("hex")}.cloudfront.net (CloudFront)`;
        return [code.toUpperCase(), { code, via, lines: `Via: ${via}\r\nX-Amz-Cf-Pop: ${code}\r\n`, tiers: [code, REC], shieldTiers: [code, REC, SHIELD] }];
      }),
    );
    this.defaultPop = this.byCode.values().next().value as Pop;
  }

  /** The POP a request goes through: the one it names in X-Minifront-Pop, else the default. */
  popFor(headers: IncomingHttpHeaders): Pop {
    const chosen = headers[POP_HEADER];
    return (typeof chosen === "string" ? this.byCode.get(chosen.toUpperCase()) : undefined) ?? this.defaultPop;
  }
}

/** The tiers in lookup order for a request through `pop` to an origin with or without Origin Shield. */
export function tiersOf(pop: Pop, originShield: boolean): readonly string[] {
  return originShield ? pop.shieldTiers : pop.tiers;
}

/** The layer a tier index stands for (Server-Timing). */
export function layerOf(tier: number): Layer {
  return LAYERS[tier] as Layer;
}

/**
 * Looks in each tier in turn. Returns the first fresh entry (after copying it into the tiers in
 * front of the one it was found in), else undefined; `onStale` sees the first expired entry met.
 */
export function lookUp(cache: CacheStore, tiers: readonly string[], dist: string, key: string, now: number, onStale?: (entry: CachedResponse) => void): TierHit | undefined {
  for (let i = 0; i < tiers.length; i++) {
    const entry = cache.get(tiers[i] as string, dist, key);
    if (entry === undefined) continue;
    if (now < entry.storedAt + entry.ttlMs) {
      for (let j = 0; j < i; j++) cache.put(tiers[j] as string, dist, key, entry);
      return { entry, tier: i };
    }
    onStale?.(entry);
    onStale = undefined;
  }
  return undefined;
}

/** Stores an entry in every tier a request went through (a miss fills them all on its way back); false when no tier kept it. */
export function storeInTiers(cache: CacheStore, tiers: readonly string[], dist: string, key: string, entry: CachedResponse): boolean {
  let kept = false;
  for (const t of tiers) if (cache.put(t, dist, key, entry)) kept = true;
  return kept;
}
