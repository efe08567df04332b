import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-client';
import { explain } from './workflow-errors';
import { formatYuan, yuanToFen } from './workflow-money';
import { scoped } from './workflow-table';

describe('workflow money', () => {
  it('shows fen as yuan with two decimals and reads yuan back as fen', () => {
    expect(formatYuan(117000)).toBe('1,170.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(null)).toBe('-');
    expect(yuanToFen('1,170.5')).toBe(117050);
    expect(yuanToFen(0.1 + 0.2)).toBe(30);
    expect(yuanToFen('')).toBeUndefined();
  });
});

describe('explain', () => {
  it('adds the per-line reasons of a refused list', () => {
    const error = new ApiError('王秀英等2条：尚未经基层工会审核通过', {
      status: 409,
      payload: { message: 'x', errors: { lines: { '1': '王秀英：尚未公示', '2': '李建国：公示期未结束' } } },
    });
    expect(explain(error)).toBe('王秀英等2条：尚未经基层工会审核通过（王秀英：尚未公示；李建国：公示期未结束）');
    expect(explain(new ApiError('名单已冻结', { status: 409 }))).toBe('名单已冻结');
  });
});

describe('scoped table requests', () => {
  it('takes the record id from the table params and leaves it out of the query', async () => {
    const fetch = vi.fn().mockResolvedValue({ items: [1], total: 1, page: 1, pageSize: 20 });
    const request = scoped(fetch);
    await request({ page: 2, page_size: 20, scopeId: 7, view: 'awaiting' });
    expect(fetch).toHaveBeenCalledWith(7, { page: 2, page_size: 20, view: 'awaiting' });
    const empty = await request({ page: 1, page_size: 20 });
    expect(empty.items).toEqual([]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
