import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-client';
import { applyFormErrors, flattenFieldErrors } from './form-errors';

function error422(json: unknown): ApiError {
  return new ApiError('提交的数据有误', {
    status: 422,
    payload: { code: 422, status: 'Unprocessable Entity', message: '提交的数据有误', errors: { json } as Record<string, unknown> },
  });
}

describe('form-errors', () => {
  it('flattens nested and indexed smorest errors into antd name paths', () => {
    expect(
      flattenFieldErrors({
        name: ['不能为空'],
        address: { city: ['城市无效'] },
        items: { '0': { amount: ['金额必须大于0'] } },
      }),
    ).toEqual([
      { name: ['name'], errors: ['不能为空'] },
      { name: ['address', 'city'], errors: ['城市无效'] },
      { name: ['items', 0, 'amount'], errors: ['金额必须大于0'] },
    ]);
  });

  it('sets errors.json.<field> on the form and returns the rest as general errors', () => {
    const form = { setFields: vi.fn(), getFieldsValue: vi.fn(() => ({ current_password: '', new_password: '' })) };
    const result = applyFormErrors(
      form,
      error422({ current_password: ['当前密码不正确'], _schema: ['请稍后再试'], unknown_field: ['x'] }),
    );

    expect(form.setFields).toHaveBeenCalledWith([{ name: ['current_password'], errors: ['当前密码不正确'] }]);
    expect(result).toEqual({
      fields: [{ name: ['current_password'], errors: ['当前密码不正确'] }],
      general: ['请稍后再试', 'x'],
    });
  });

  it('ignores anything that is not a 422 with field errors', () => {
    const form = { setFields: vi.fn(), getFieldsValue: vi.fn(() => ({})) };
    expect(applyFormErrors(form, new ApiError('没有权限', { status: 403 }))).toBeNull();
    expect(applyFormErrors(form, new Error('boom'))).toBeNull();
    expect(form.setFields).not.toHaveBeenCalled();
  });
});
