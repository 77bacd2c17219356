import type { SampleRandom } from './sample-random.js';

/** Share of users who never write a post, so `users_without_posts` is never trivially 0. */
const SILENT_SHARE = 0.05;
/**
 * Zipf exponent of post counts over the active users. Below 1 keeps the head from
 * swallowing everything at large sizes (with 95k active users the busiest one
 * gets about 2% of the posts), yet the top of a 10-user sample is clearly ranked.
 */
const ZIPF_EXPONENT = 0.8;

/**
 * Decides each post's author on the fly, so millions of posts need no memory
 * beyond two numbers per user. About 5% of users are silent (never picked); the
 * others get a Zipf-skewed share in a shuffled order, so the top authors are
 * well separated, differ from seed to seed, and tie only now and then.
 */
export class SampleAuthors {
  private readonly activeIds: Int32Array;
  private readonly cumulative: Float64Array;
  private readonly random: SampleRandom;

  constructor(userCount: number, random: SampleRandom) {
    this.random = random;
    const silentCount = userCount >= 5 ? Math.max(1, Math.round(userCount * SILENT_SHARE)) : 0;

    // A Fisher-Yates shuffle of the ids: the first few are silent, and the
    // order of the rest is their popularity rank.
    const ids = new Int32Array(userCount);
    for (let index = 0; index < userCount; index++) ids[index] = index + 1;
    for (let index = userCount - 1; index > 0; index--) {
      const other = Math.floor(random.next() * (index + 1));
      const held = ids[index] as number;
      ids[index] = ids[other] as number;
      ids[other] = held;
    }

    this.activeIds = ids.slice(silentCount);
    this.cumulative = new Float64Array(this.activeIds.length);
    let total = 0;
    for (let rank = 0; rank < this.activeIds.length; rank++) {
      total += (rank + 1) ** -ZIPF_EXPONENT;
      this.cumulative[rank] = total;
    }
  }

  /** The author of the next post: always an existing, non-silent user. */
  next(): number {
    const count = this.cumulative.length;
    if (count === 0) throw new RangeError('SampleAuthors.next: there are no users to write posts.');
    const target = this.random.next() * (this.cumulative[count - 1] as number);
    // Binary search for the first rank whose running total passes the target.
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    return this.activeIds[low] as number;
  }
}
