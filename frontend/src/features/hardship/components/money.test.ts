import { describe, expect, it } from 'vitest';
import { fenToYuan, formatYuan, yuanToFen } from './money';

describe('money', () => {
  it('formats fen as yuan with two decimals', () => {
    expect(formatYuan(117000)).toBe('1,170.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(-12345)).toBe('-123.45');
    expect(formatYuan(null)).toBe('-');
  });

  it('turns typed yuan into integer fen without float drift', () => {
    expect(yuanToFen(1170)).toBe(117000);
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen('1,234.56')).toBe(123456);
    expect(yuanToFen(19.99)).toBe(1999);
    expect(yuanToFen('')).toBeUndefined();
    expect(yuanToFen('abc')).toBeUndefined();
    expect(fenToYuan(117000)).toBe(1170);
  });
});
