import { describe, expect, it } from 'vitest';
import { checkJobSelections, DefinitionError, job, schedule, sensor, type DefinitionsSpec } from '../../src/index.js';
import { memoryDefinitions } from './harness.js';

const refresh = job({ name: 'refresh', select: '*', force: 'sources' });
const skip = () => ({ skip: 'never' });

function problemsOf(automation: Omit<DefinitionsSpec, 'assets' | 'ioManagers'>): string[] {
  try {
    memoryDefinitions(automation);
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return [...(error as DefinitionError).problems];
  }
  throw new Error('expected a DefinitionError');
}

describe('defineDefinitions with jobs, schedules and sensors', () => {
  it('accepts valid automation and lists each kind sorted by name, with lookups', () => {
    const definitions = memoryDefinitions({
      jobs: [refresh, job({ name: 'all_of_it', select: '*', force: 'all' })],
      schedules: [
        schedule({ name: 'nightly', job: refresh, cron: '0 2 * * *', timezone: 'Europe/Berlin' }),
        schedule({ name: 'hourly', job: 'refresh', cron: '@hourly' }),
      ],
      sensors: [sensor({ name: 'watch', intervalSeconds: 30, job: refresh, evaluate: skip })],
    });
    expect(definitions.jobs.map((j) => j.name)).toEqual(['all_of_it', 'refresh']);
    expect(definitions.schedules.map((s) => s.name)).toEqual(['hourly', 'nightly']);
    expect(definitions.schedule('hourly')).toMatchObject({ job: 'refresh', timezone: 'UTC', defaultStatus: 'running' });
    expect(definitions.sensor('watch')).toMatchObject({ job: 'refresh', intervalSeconds: 30, defaultStatus: 'running' });
    expect(definitions.job('nope')).toBeUndefined();
  });

  it('names the cron field and value that is out of range', () => {
    expect(problemsOf({ jobs: [refresh], schedules: [schedule({ name: 'daily', job: refresh, cron: '0 25 * * *' })] })).toEqual([
      'schedule "daily": cron "0 25 * * *": hour 25 is out of range (0-23)',
    ]);
  });

  it.each([
    ['61 * * * *', 'minute 61 is out of range (0-59)'],
    ['0 0 32 * *', 'day-of-month 32 is out of range (1-31)'],
    ['0 0 * 13 *', 'month 13 is out of range (1-12)'],
    ['0 0 * * 8', 'day-of-week 8 is out of range (0-7)'],
    ['0 */30 * * *', 'hour step "/30" must be a whole number from 1 to 24'],
    ['0 2 * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 4'],
    ['0 0 2 * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 6'],
    ['@sometimes', 'unknown shorthand; use @yearly, @monthly, @weekly, @daily or @hourly, or five fields'],
    ['0 0 30 2 *', 'matches no date at all (e.g. February 30)'],
  ])('explains what is wrong with cron "%s"', (cron, explanation) => {
    expect(problemsOf({ jobs: [refresh], schedules: [schedule({ name: 'bad', job: refresh, cron })] })).toEqual([`schedule "bad": cron "${cron}": ${explanation}`]);
  });

  it('points at a field croner rejects for another reason, with croner\'s words', () => {
    const [problem] = problemsOf({ jobs: [refresh], schedules: [schedule({ name: 'bad', job: refresh, cron: '5-1 * * * *' })] });
    expect(problem).toMatch(/^schedule "bad": cron "5-1 \* \* \* \*": minute field "5-1" is not valid: .+/);
  });

  it('rejects a time zone that is not an IANA name', () => {
    expect(problemsOf({ jobs: [refresh], schedules: [schedule({ name: 'daily', job: refresh, cron: '0 2 * * *', timezone: 'Europe/Nowhere' })] })).toEqual([
      'schedule "daily": timezone "Europe/Nowhere" is not an IANA time zone name (e.g. "UTC", "Europe/Berlin", "America/New_York")',
    ]);
  });

  it('rejects a schedule or sensor on a job that does not exist, suggesting close names', () => {
    expect(
      problemsOf({
        jobs: [refresh],
        schedules: [schedule({ name: 'daily', job: 'refrsh', cron: '0 2 * * *' })],
        sensors: [sensor({ name: 'watch', intervalSeconds: 30, job: 'other', evaluate: skip })],
      }),
    ).toEqual([
      'schedule "daily": runs job "refrsh", which is not among the definitions\' jobs; did you mean "refresh"?',
      'sensor "watch": runs job "other", which is not among the definitions\' jobs',
    ]);
  });

  it('reports every automation problem at once, with the asset problems', () => {
    const problems = problemsOf({
      jobs: [refresh, refresh, job({ name: 'Bad Name', select: '*' }), job({ name: 'forced', select: '*', force: 'some' as never })],
      schedules: [
        schedule({ name: 'daily', job: refresh, cron: '0 25 * * *', timezone: 'UTC' }),
        schedule({ name: 'daily', job: refresh, cron: '0 2 * * *', defaultStatus: 'paused' as never }),
      ],
      sensors: [
        sensor({ name: 'daily', intervalSeconds: 30, evaluate: skip }),
        sensor({ name: 'slow', intervalSeconds: 0.5, evaluate: skip }),
      ],
    });
    expect(problems).toEqual([
      'job "refresh": declared more than once',
      'job "Bad Name": invalid name; names match ^[a-z][a-z0-9_-]*$ (lowercase letters, digits, _ and -)',
      'job "forced": force must be one of "none", "sources", "all", got "some"',
      'schedule "daily": cron "0 25 * * *": hour 25 is out of range (0-23)',
      'schedule "daily": declared more than once',
      'schedule "daily": defaultStatus must be "running" or "stopped", got "paused"',
      'sensor "daily": a schedule already has that name; schedules and sensors share one namespace',
      'sensor "slow": intervalSeconds must be a whole number >= 1, got 0.5',
    ]);
  });
});

describe('checkJobSelections', () => {
  it('accepts jobs whose selections resolve', () => {
    expect(checkJobSelections(memoryDefinitions({ jobs: [refresh, job({ name: 'totals', select: '+total', exclude: 'numbers' })] }))).toEqual([]);
  });

  it('reports a syntax error, an unknown key and an empty selection, each with its job', () => {
    const problems = checkJobSelections(
      memoryDefinitions({
        jobs: [
          job({ name: 'broken', select: 'numbers and' }),
          job({ name: 'typo', select: 'totl' }),
          job({ name: 'nothing', select: 'numbers', exclude: 'numbers' }),
        ],
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^job "broken": Invalid selection/);
    expect(problems[1]).toMatch(/^job "nothing": Selection "numbers" excluding "numbers" selects no assets/);
    expect(problems[2]).toMatch(/^job "typo": Unknown asset "totl"\..*"total"/);
  });

  it('rejects force "sources" on a selection without source assets', () => {
    expect(checkJobSelections(memoryDefinitions({ jobs: [job({ name: 'downstream', select: 'total', force: 'sources' })] }))).toEqual([
      'job "downstream": force "sources" re-runs the selected assets that have no upstream assets, but "total" selects none; select the sources too, or use force "all"',
    ]);
  });
});
