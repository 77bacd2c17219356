import { describe, expect, it } from 'vitest';
import { DefinitionError, job, schedule, sensor, type DefinitionsSpec } from '../../src/index.js';
import { silentLogger } from '../../src/execution/logger.js';
import { evaluateSensor } from '../../src/sensors/evaluate-sensor.js';
import { memoryDefinitions, tempInstance } from './harness.js';

function problemsOf(automation: Omit<DefinitionsSpec, 'assets' | 'ioManagers'>): string[] {
  try {
    memoryDefinitions(automation);
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return [...(error as DefinitionError).problems];
  }
  throw new Error('expected a DefinitionError');
}

describe('run tags in definitions', () => {
  it('reports tags of jobs and schedules that are not string values under a free key', () => {
    const refresh = job({ name: 'refresh', select: '*', tags: { team: 'data', 'strata/schedule': 'fake' } });
    expect(
      problemsOf({
        jobs: [refresh],
        schedules: [schedule({ name: 'nightly', job: refresh, cron: '0 2 * * *', tags: { '': 'x', 'a=b': 'c', count: 3 as unknown as string } })],
      }),
    ).toEqual([
      'job "refresh": tag key "strata/schedule" starts with "strata/", which Strata reserves for its own tags',
      'schedule "nightly": tag keys cannot be empty',
      'schedule "nightly": tag key "a=b" cannot contain "="',
      'schedule "nightly": tag "count" must have a string value, got number',
    ]);
  });

  it("gives a sensor's request its tags over its job's, and strata/sensor, refusing a reserved key", async () => {
    const refresh = job({ name: 'refresh', select: '*', tags: { team: 'data', tier: 'silver' } });
    const instance = await tempInstance();
    const storage = await instance.open();
    try {
      const evaluate = (tags: Record<string, string>) =>
        evaluateSensor(sensor({ name: 'poke', intervalSeconds: 60, job: refresh, evaluate: () => ({ runRequests: [{ tags }, { select: 'numbers', tags }] }) }), {
          definitions: memoryDefinitions({ jobs: [refresh] }),
          storage,
          now: new Date('2026-01-05T00:00:00Z'),
          state: undefined,
          env: {},
          cwd: instance.home,
          signal: new AbortController().signal,
          logger: silentLogger,
        });
      const evaluation = await evaluate({ tier: 'gold' });
      expect('runRequests' in evaluation && evaluation.runRequests.map((request) => request.tags)).toEqual([
        { team: 'data', tier: 'gold', 'strata/sensor': 'poke' },
        { tier: 'gold', 'strata/sensor': 'poke' },
      ]);
      await expect(evaluate({ 'strata/sensor': 'other' })).rejects.toMatchObject({
        code: 'STRATA_SENSOR_RESULT',
        message: 'Sensor "poke" returned an invalid result: runRequests[0]: tag key "strata/sensor" starts with "strata/", which Strata reserves for its own tags',
      });
    } finally {
      await instance.cleanup();
    }
  });
});
