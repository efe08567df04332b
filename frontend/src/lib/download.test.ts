import { describe, expect, it, vi } from 'vitest';
import { mockApi } from '@/testing/mock-api';
import { downloadFromApi, filenameFromDisposition } from './download';

describe('download', () => {
  it('reads the Chinese file name from RFC 5987 filename*, else the plain one', () => {
    const header =
      "attachment; filename=\"member-register-20261121.xlsx\"; filename*=UTF-8''%E6%96%B0%E4%B9%A1%E5%8E%BF-%E4%BC%9A%E5%91%98.xlsx";
    expect(filenameFromDisposition(header, 'x.xlsx')).toBe('新乡县-会员.xlsx');
    expect(filenameFromDisposition('attachment; filename="a.xlsx"', 'x.xlsx')).toBe('a.xlsx');
    expect(filenameFromDisposition(undefined, 'x.xlsx')).toBe('x.xlsx');
  });

  it('saves the blob under the server’s name and passes only non-empty params', async () => {
    const api = mockApi();
    const createObjectURL = vi.fn(() => 'blob:1');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    api.on('GET', '/forms/member-register.xlsx', {
      data: new Blob(['x']),
      headers: { 'content-disposition': "attachment; filename*=UTF-8''%E4%BC%9A%E5%91%98.xlsx", 'x-row-count': '12' },
    });
    try {
      const result = await downloadFromApi('/forms/member-register.xlsx', { org_id: 7, date_from: undefined, q: '' });
      expect(result).toEqual({ filename: '会员.xlsx', rows: 12 });
      expect(api.calls[0]?.params).toEqual({ org_id: 7 });
      expect(click).toHaveBeenCalledTimes(1);
    } finally {
      api.restore();
    }
  });
});
