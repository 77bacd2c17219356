import { SampleRandom } from './sample-random.js';
import { samplePostLine } from './sample-post.js';
import { sampleUser } from './sample-user.js';

// Streams of their own, after the snapshot's users (1), posts (2) and authors (3):
// the first day stays exactly the snapshot `generateSample` writes.
const CHOICES_STREAM = 4;
const TEXTS_STREAM = 5;
const JOINS_STREAM = 6;

/** New posts a day, as a share of the first day's posts: 3% to 10%. */
const NEW_POSTS_SHARE = { min: 0.03, max: 0.1 } as const;
/** Posts edited a day: 1 to 4% of the first day's posts (at least one). */
const EDITED_POSTS_SHARE = 0.04;
/** Share of a day's new posts written by users who joined after the first day. */
const NEWCOMER_POST_CHANCE = 0.2;
/** Users join on every fifth day, from the fourth (days 4, 9, 14, ...): 2% of the first day's users, at least one. */
const JOIN_PERIOD = 5;
const JOIN_PHASE = 3;
const JOINED_USERS_SHARE = 0.02;

/** What one day changed against the day before. */
export interface SampleDayChanges {
  readonly newPosts: number;
  readonly editedPosts: number;
  readonly joinedUsers: number;
}

/** One post as its JSON line holds it. */
interface PostLine {
  userId: number;
  id: number;
  title: string;
  body: string;
}

/**
 * The users and posts of a sample as they change from one day to the next,
 * held as their JSON lines (what the files hold), deterministically from the
 * seed. Each day, in this order:
 * - on days 4, 9, 14, ... (a schedule, not chance, so any 14 days hold a join
 *   whatever the seed) users join, with the next ids;
 * - a few existing posts are edited: the 1st, 3rd, ... edit of a day gives a
 *   post a new title, the 2nd, 4th, ... appends an "Edit:" paragraph to its body;
 * - new posts arrive with the next ids, mostly by authors of earlier posts
 *   (picked in proportion to their posts, so the busy stay busy and silent users
 *   stay silent), a fifth by users who joined.
 * Nothing is deleted: ids only grow.
 */
export class SampleDrift {
  readonly userLines: string[];
  readonly postLines: string[];
  /** The author of each post, by index in `postLines`. */
  private readonly postAuthors: number[];
  private readonly newcomers: number[] = [];
  private readonly firstDayUsers: number;
  private readonly firstDayPosts: number;
  private readonly choices: SampleRandom;
  private readonly texts: SampleRandom;
  private readonly joins: SampleRandom;
  private nextUserId: number;
  private nextPostId: number;
  /** 0 is the first day. */
  private day = 0;

  /** Starts from the first day's lines; the arrays are taken over, not copied. */
  constructor(first: { userLines: string[]; postLines: string[]; postAuthors: number[] }, seed: number) {
    this.userLines = first.userLines;
    this.postLines = first.postLines;
    this.postAuthors = first.postAuthors;
    this.firstDayUsers = first.userLines.length;
    this.firstDayPosts = first.postLines.length;
    this.nextUserId = first.userLines.length + 1;
    this.nextPostId = first.postLines.length + 1;
    this.choices = new SampleRandom(seed, CHOICES_STREAM);
    this.texts = new SampleRandom(seed, TEXTS_STREAM);
    this.joins = new SampleRandom(seed, JOINS_STREAM);
  }

  /** Moves to the next day. */
  advance(): SampleDayChanges {
    this.day++;
    const joinedUsers = this.day % JOIN_PERIOD === JOIN_PHASE ? Math.max(1, Math.round(this.firstDayUsers * JOINED_USERS_SHARE)) : 0;
    for (let joined = 0; joined < joinedUsers; joined++) {
      const id = this.nextUserId++;
      this.userLines.push(JSON.stringify(sampleUser(id, this.joins)));
      this.newcomers.push(id);
    }

    // A sample without posts stays without: there is nothing to edit, and no share of nothing to add.
    const existing = this.postLines.length;
    const editedPosts = existing === 0 ? 0 : this.choices.int(1, Math.max(1, Math.ceil(this.firstDayPosts * EDITED_POSTS_SHARE)));
    for (let edit = 0; edit < editedPosts; edit++) this.edit(this.choices.int(0, existing - 1), edit % 2 === 0 ? 'title' : 'body');

    const newPosts = this.choices.int(Math.ceil(this.firstDayPosts * NEW_POSTS_SHARE.min), Math.ceil(this.firstDayPosts * NEW_POSTS_SHARE.max));
    for (let post = 0; post < newPosts; post++) {
      const userId = this.nextAuthor();
      this.postLines.push(samplePostLine(this.nextPostId++, userId, this.texts));
      this.postAuthors.push(userId);
    }
    return { newPosts, editedPosts, joinedUsers };
  }

  /**
   * Rewrites post `index`: a new title, or a paragraph added to its body. The
   * new text is that of a fresh post of the same id, so it has the awkward
   * features the id calls for (emoji, stray whitespace, ...) as the original did.
   */
  private edit(index: number, part: 'title' | 'body'): void {
    const post = JSON.parse(this.postLines[index]!) as PostLine;
    const fresh = JSON.parse(samplePostLine(post.id, post.userId, this.texts)) as PostLine;
    if (part === 'title') post.title = fresh.title;
    else post.body = `${post.body}\n\nEdit: ${fresh.title.trim()}`;
    // The keys keep JSONPlaceholder's order, and JSON.stringify escapes as the
    // generator's lines do (they are built from JSON.stringify'd pieces).
    this.postLines[index] = JSON.stringify({ userId: post.userId, id: post.id, title: post.title, body: post.body });
  }

  private nextAuthor(): number {
    if (this.newcomers.length > 0 && this.choices.chance(NEWCOMER_POST_CHANCE)) return this.choices.pick(this.newcomers);
    // The author of a random earlier post: picked in proportion to how much each has written.
    return this.postAuthors[this.choices.int(0, this.postAuthors.length - 1)]!;
  }
}
