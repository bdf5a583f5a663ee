// The one configuration version number of a CloudFront state (issue #12): it moves, never back,
// whenever anything a distribution refers to by id changes (cache, origin request and response
// headers policies, key groups, public keys, origin access controls and identities, functions),
// so the edge compares one number per request to know whether a compiled distribution is stale.
// Distributions themselves do not move it: a changed distribution is a new record, which the
// edge compiles on its own, and bumping here would recompile every other distribution too.

export class ConfigVersion {
  #value = 0;

  get value(): number {
    return this.#value;
  }

  /** Called by every store after a change is written. */
  bump(): void {
    this.#value++;
  }
}
