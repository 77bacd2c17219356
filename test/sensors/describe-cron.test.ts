import { describe, expect, it } from 'vitest';
import { describeCron } from '../../src/sensors/describe-cron.js';

describe('describeCron', () => {
  it.each([
    ['0 2 * * *', 'At 02:00 every day'],
    ['0 */6 * * *', 'Every 6 hours, on the hour (00:00, 06:00, 12:00, 18:00)'],
    ['0 * * * *', 'Every hour, on the hour'],
    ['0 9-17 * * 1-5', 'Every hour from 09:00 to 17:00, Monday to Friday'],
  ])('describes the example schedule %s as "%s"', (cron, sentence) => {
    expect(describeCron(cron)).toBe(sentence);
  });

  it.each([
    ['* * * * *', 'Every minute'],
    ['*/15 * * * *', 'Every 15 minutes'],
    ['15 * * * *', 'Every hour, at minute 15'],
    ['30 8 * * 1', 'At 08:30 on Mondays'],
    ['30 8 * * MON,WED,FRI', 'At 08:30 on Monday, Wednesday and Friday'],
    ['0 10 * * 0,6', 'At 10:00 on weekends'],
    ['0 0 1 * *', 'At 00:00 on day 1 of the month'],
    ['0 6 1,15 * *', 'At 06:00 on days 1 and 15 of the month'],
    ['0 0 1 1 *', 'At 00:00 on day 1 of the month in January'],
    ['0 8,20 * * *', 'At 08:00 and 20:00 every day'],
    ['*/5 9-17 * * 1-5', 'Every 5 minutes from 09:00 to 17:59, Monday to Friday'],
    ['@daily', 'At 00:00 every day'],
    ['@hourly', 'Every hour, on the hour'],
  ])('describes %s as "%s"', (cron, sentence) => {
    expect(describeCron(cron)).toBe(sentence);
  });

  it.each(['0 0 L * *', '0 0 * * 1#2', '0 0 1 * 1', '0 9-17/2 * * *', '0 0 1 */3 *', '1 2 3'])(
    'falls back to the expression itself for %s rather than guess',
    (cron) => {
      expect(describeCron(cron)).toBe(cron);
    },
  );
});
