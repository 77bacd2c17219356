import type { Instance } from '../../instance/instance.js';
import type { EventHub } from './event-hub.js';

/** What every group of API routes works with. */
export interface UiContext {
  readonly instance: Instance;
  readonly hub: EventHub;
  /** The clock of next ticks and of the instance: injected by tests. */
  readonly now: () => Date;
  /** Where errors of work that no request waits for (a run launched from the page) are reported. */
  readonly onError: (error: unknown) => void;
  /** The runs launched from the page and still going, each settling when its run has ended; `close` waits for them. */
  readonly launched: Set<Promise<void>>;
}
