/**
 * The bench's sizes. `small` is a quick look (seconds); `medium` and `large`
 * are the issue's figures: 10k users / 1M posts (a 340 MB posts.json) and
 * 100k users / 5M posts (1.75 GB, beyond V8's maximum string length).
 * Planning and overhead do not depend on the data, so every size runs them alike.
 */
export const SIZES = {
  small: { users: 1_000, posts: 100_000 },
  medium: { users: 10_000, posts: 1_000_000 },
  large: { users: 100_000, posts: 5_000_000 },
};

export const PLANNING_COUNTS = [1_000, 10_000, 100_000];

export const OVERHEAD_ASSETS = 1_000;
