/** A count with thousands separators (`1,234,567`), independent of the machine's locale. */
export function formatCount(count: number): string {
  // Integers are grouped by hand: the first toLocaleString call loads ICU's
  // number-format data, which costs `assets list` several milliseconds of its
  // start-up. Anything else keeps the en-US rules (rounding of fractions).
  if (!Number.isSafeInteger(count)) return count.toLocaleString('en-US');
  const digits = String(Math.abs(count));
  const head = digits.length % 3 || 3;
  const groups = [digits.slice(0, head)];
  for (let index = head; index < digits.length; index += 3) groups.push(digits.slice(index, index + 3));
  return `${count < 0 ? '-' : ''}${groups.join(',')}`;
}
