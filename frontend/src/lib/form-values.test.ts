import { describe, expect, it } from 'vitest';
import { compactBody, diffForPatch } from './form-values';

describe('form values', () => {
  it('sends only changed fields, and null for a cleared one', () => {
    const initial = { name: '张三', mobile: '13800000000', remark: 'x', join_date: '2020-01-01', employer_id: 3 };
    const values = { name: '张三', mobile: undefined, remark: 'y', join_date: '2020-01-01', employer_id: 3 };
    expect(diffForPatch(initial, values, ['name', 'mobile', 'remark', 'join_date', 'employer_id'])).toEqual({ mobile: null, remark: 'y' });
  });

  it('treats empty, null and undefined as the same "nothing"', () => {
    expect(diffForPatch({ remark: null }, { remark: '' }, ['remark'])).toEqual({});
    expect(diffForPatch({ remark: undefined }, { remark: 'new' }, ['remark'])).toEqual({ remark: 'new' });
  });

  it('drops empty optional fields from create bodies and trims text', () => {
    expect(compactBody({ name: ' 李四 ', mobile: '', org_id: 5, remark: undefined, active: false })).toEqual({
      name: '李四',
      org_id: 5,
      active: false,
    });
  });
});
