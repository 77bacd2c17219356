import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchParent } from '../../src/sensors/watch-parent.js';

describe('watchParent (injected pids, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('calls back once, with the parent pid it started with, when the process is re-parented', () => {
    let parent = 4242;
    const exits: number[] = [];
    watchParent((pid) => exits.push(pid), { intervalMs: 1000, parentPid: () => parent, isAlive: () => true });
    vi.advanceTimersByTime(5000);
    expect(exits).toEqual([]);
    parent = 1; // the kernel hands an orphan to init
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(5000);
    expect(exits).toEqual([4242]);
  });

  it('calls back when the parent is gone though the pid did not change (Windows does not re-parent)', () => {
    const alive = new Set([4242]);
    const exits: number[] = [];
    watchParent((pid) => exits.push(pid), { intervalMs: 1000, parentPid: () => 4242, isAlive: (pid) => alive.has(pid) });
    vi.advanceTimersByTime(3000);
    alive.delete(4242);
    vi.advanceTimersByTime(3000);
    expect(exits).toEqual([4242]);
  });

  it('watches nothing for a process started by init or that is init', () => {
    const exits: number[] = [];
    for (const parent of [1, 0]) {
      let pid = parent;
      watchParent((exited) => exits.push(exited), { intervalMs: 1000, parentPid: () => pid, isAlive: () => false });
      pid = 777;
    }
    vi.advanceTimersByTime(10_000);
    expect(exits).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops watching when told to', () => {
    let parent = 4242;
    const exits: number[] = [];
    const stop = watchParent((pid) => exits.push(pid), { intervalMs: 1000, parentPid: () => parent, isAlive: () => true });
    stop();
    parent = 1;
    vi.advanceTimersByTime(10_000);
    expect(exits).toEqual([]);
  });
});
