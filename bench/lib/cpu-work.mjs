/**
 * A fixed amount of CPU work: `iterations` rounds of an integer mix that V8
 * cannot fold away (each round needs the last). A count of rounds, not a
 * deadline, on purpose: a compute that spun until a clock said 0.5 s would
 * take 0.5 s however many of them shared a core, and hide exactly the
 * contention a speed-up figure is about.
 */
export function burnCpu(iterations) {
  let state = 0x9e3779b9;
  for (let round = 0; round < iterations; round++) state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + round) | 0;
  return state >>> 0;
}

/** The iterations of `burnCpu` that take about `targetMs` of CPU on this machine: the fastest of a few timed tries, scaled. */
export function calibrateCpuWork(targetMs) {
  const probe = 2_000_000;
  let fastest = Infinity;
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = performance.now();
    burnCpu(probe);
    fastest = Math.min(fastest, performance.now() - started);
  }
  return Math.max(1, Math.round((probe * targetMs) / fastest));
}
