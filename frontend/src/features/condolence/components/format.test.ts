import { describe, expect, it } from 'vitest';
import { fromFen, toFen, yuan } from './format';

describe('money in fen', () => {
  it('shows fen as yuan without spurious decimals', () => {
    expect(yuan(50000)).toBe('500');
    expect(yuan(50050)).toBe('500.5');
    expect(yuan(123456789)).toBe('1,234,567.89');
    expect(yuan(null)).toBe('');
  });

  it('converts form values (yuan) to fen and back without float drift', () => {
    expect(toFen(0.1 + 0.2)).toBe(30);
    expect(toFen(1234.56)).toBe(123456);
    expect(toFen(null)).toBeNull();
    expect(fromFen(123456)).toBe(1234.56);
    expect(fromFen(undefined)).toBeUndefined();
  });
});
