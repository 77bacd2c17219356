/**
 * `2026-01-05 02:00 Mon` in `timeZone`, with its UTC offset unless the zone
 * is UTC (`2026-03-29 03:00 Sun +02:00`), so the two 02:30s of a fall-back
 * night can be told apart. Independent of the machine's locale.
 */
export function formatZonedTime(time: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(time);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const text = `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('weekday')}`;
  if (/^(Etc\/)?UTC$/i.test(timeZone)) return text;
  // "GMT+02:00"; plain "GMT" where the offset is zero.
  const offset = part('timeZoneName').replace(/^GMT/, '') || '+00:00';
  return `${text} ${offset}`;
}
