import { describe, expect, it } from 'vitest';
import { renderTable, truncateText, visibleLength } from '../../src/cli/render-table.js';

describe('renderTable', () => {
  it('counts wide characters as two terminal columns, so a table of CJK names stays aligned', () => {
    const table = renderTable([{ header: 'name' }, { header: 'id', align: 'right' }], [['佐藤 健', '4'], ['Ada', '12']]);
    const lines = table.trimEnd().split('\n');
    expect(lines.map(visibleLength)).toEqual([11, 11, 11]);
    expect(lines[1]).toBe('佐藤 健   4');
  });

  it('fits a width in terminal columns, cutting wide text whole with an ellipsis', () => {
    const table = renderTable([{ header: 'id' }, { header: 'text' }], [['1', '東京タワーの近くの長い住所の説明です、駅から歩いて十分']], { maxWidth: 40 });
    for (const line of table.trimEnd().split('\n')) expect(visibleLength(line)).toBeLessThanOrEqual(40);
    expect(table).toContain('…');
  });

  it('measures emoji as two columns and combining marks as none', () => {
    expect(visibleLength('🦀')).toBe(2);
    expect(visibleLength('e\u0301')).toBe(1);
    expect(visibleLength('Zoë ✓')).toBe(5);
  });

  it('cuts to the width, never past it, when a wide character does not fit before the ellipsis', () => {
    expect(truncateText('東京タワー', 4)).toBe('東…');
    expect(visibleLength(truncateText('東京タワー', 4))).toBe(3);
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('abc', 4)).toBe('abc');
  });
});
