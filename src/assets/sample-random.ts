/**
 * A small seeded pseudo-random generator for the sample data: the same seed and
 * stream give the same sequence on every machine and Node version, which
 * `Math.random` cannot promise. Not for anything security-related.
 *
 * Each generator is keyed by a seed and a stream number, so the users, the post
 * texts and the post authors draw from independent sequences: changing how many
 * numbers one of them consumes never shifts the others.
 */
export class SampleRandom {
  private state: number;

  constructor(seed: number, stream: number) {
    // Seeds are safe integers, up to 53 bits: fold both 32-bit halves in, so
    // seeds that differ only above bit 31 still give different sequences.
    const low = seed >>> 0;
    const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
    this.state = scramble(low ^ scramble(high ^ scramble(stream + 0x9e37_79b9)));
  }

  /** A float in [0, 1), from a 32-bit mulberry-style step (full 2^32 period). */
  next(): number {
    this.state = (this.state + 0x6d2b_79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    // The index is always in range for a non-empty list; the cast only tells the
    // compiler so (noUncheckedIndexedAccess).
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `length` random decimal digits, leading zeros kept (phone numbers, zipcodes). */
  digits(length: number): string {
    let out = '';
    for (let index = 0; index < length; index++) out += String(Math.floor(this.next() * 10));
    return out;
  }
}

/** Murmur3's 32-bit finalizer: spreads every input bit over the whole word. */
function scramble(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85eb_ca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2_ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
