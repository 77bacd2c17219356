/**
 * The server's event stream (/api/events), shared by every page: one
 * EventSource for the tab, opened on the first subscriber and closed when
 * none is left, so moving between pages neither drops nor doubles the stream.
 * EventSource reconnects by itself after the server restarts.
 */

import type { UiEvent } from '../api-types.js';

export type LiveEventListener = (event: UiEvent) => void;

interface Subscriber {
  readonly onEvent: LiveEventListener;
  /** Called when the stream opens again after a break: events sent meanwhile are lost, so re-read what the page shows. */
  readonly onReconnect: () => void;
}

const subscribers = new Set<Subscriber>();
let source: EventSource | undefined;

/** Calls `onEvent` with every event, and `onReconnect` after a break in the stream, until the returned function is called. */
function subscribeToLiveEvents(onEvent: LiveEventListener, onReconnect: () => void): () => void {
  const subscriber = { onEvent, onReconnect };
  subscribers.add(subscriber);
  source ??= open();
  return () => {
    subscribers.delete(subscriber);
    // Deferred: on navigation the old page unsubscribes just before the new
    // one subscribes, and a reopened stream would miss what happens between.
    queueMicrotask(() => {
      if (subscribers.size > 0) return;
      source?.close();
      source = undefined;
      delete document.body.dataset.live;
    });
  };
}

/** How long a page waits after a live event before it re-reads, so a burst of them (a run's steps) costs one request. */
const RELOAD_DELAY_MS = 250;

/**
 * Re-runs `load` shortly after each live event that `concerns` the page (a
 * burst coalesced into one), and after a break in the stream; returns the
 * function that stops it.
 */
export function reloadOnLiveEvents(concerns: (event: UiEvent) => boolean, load: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = subscribeToLiveEvents((event) => {
    if (!concerns(event) || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      load();
    }, RELOAD_DELAY_MS);
  }, load);
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}

// The server names each message after its event's `type` (the SSE `event:`
// field), so `onmessage` never fires: listen to every name.
const EVENT_TYPES: readonly UiEvent['type'][] = ['run-started', 'run-ended', 'step-started', 'step-ended', 'materialization', 'check-evaluated', 'tick'];

function open(): EventSource {
  const stream = new EventSource('/api/events');
  const dispatch = (message: MessageEvent<string>) => {
    const event = JSON.parse(message.data) as UiEvent;
    for (const subscriber of [...subscribers]) subscriber.onEvent(event);
  };
  for (const type of EVENT_TYPES) stream.addEventListener(type, dispatch as EventListener);
  // Shown in the top bar, and what the browser tests wait for before they
  // start a run in another process: events sent before the stream opened are lost.
  let broken = false;
  stream.addEventListener('open', () => {
    document.body.dataset.live = 'connected';
    if (broken) for (const subscriber of [...subscribers]) subscriber.onReconnect();
    broken = false;
  });
  stream.addEventListener('error', () => {
    document.body.dataset.live = 'reconnecting';
    broken = true;
  });
  return stream;
}
