import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codebookFixture, makeOrg } from '@/testing/fixtures';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render';
import { MemberFormModal } from './member-form';

const grassroots = makeOrg(20, '小冀镇人民政府机关工会委员会', [1, 3], { parent_name: '小冀镇总工会' });
const page = (items: unknown[]) => ({ data: items, headers: { 'x-pagination': JSON.stringify({ total: items.length }) } });

describe('MemberFormModal', () => {
  let api: MockApi;
  beforeEach(() => {
    document.cookie = 'csrf_token=t; path=/';
    api = mockApi()
      .on('GET', '/codebook', { data: codebookFixture })
      .on('GET', '/orgs', page([makeOrg(1, '示例县总工会', [], { child_count: 1 })]))
      .on('GET', '/orgs/20', { data: grassroots })
      .on('GET', '/employers', page([]));
  });
  afterEach(() => api.restore());

  it('puts the server’s 422 message for id_number on the ID number field', async () => {
    api.on('POST', '/members', {
      status: 422,
      data: { code: 422, status: 'Unprocessable Entity', message: '提交的数据有误', errors: { json: { id_number: ['校验位错误（应为6）'] } } },
    });
    const onDone = vi.fn();
    renderWithProviders(<MemberFormModal defaultOrgId={20} onClose={() => {}} onDone={onDone} />);

    fireEvent.change(await screen.findByLabelText('姓名'), { target: { value: '张三' } });
    fireEvent.change(screen.getByLabelText('身份证号'), { target: { value: '410721199001011234' } });
    await screen.findByText('小冀镇人民政府机关工会委员会');
    fireEvent.click(screen.getByRole('button', { name: /保\s*存/ }));

    const message = await screen.findByText('校验位错误（应为6）');
    const item = message.closest('.ant-form-item');
    expect(item?.querySelector('label')?.textContent).toContain('身份证号');
    expect(onDone).not.toHaveBeenCalled();
    const post = api.calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({
      name: '张三',
      id_number: '410721199001011234',
      org_id: 20,
      employment_type: 'regular',
      member_card_status: 'not_collected',
    });
  });

  it('edits with the ETag of its GET and sends only what changed', async () => {
    const member = {
      id: 5, name: '李四', id_number_masked: '410721********1234', gender: 'M', birth_date: '1990-01-01', mobile: '13800000000',
      org_id: 20, org_name: '小冀镇人民政府机关工会委员会', employer_id: null, employer_name: null, join_date: '2020-05-01',
      employment_type: 'regular', member_card_status: 'not_collected', member_card_number: null, status: 'active',
      remark: null, version: 3, created_at: '2026-01-01T00:00:00+08:00', updated_at: '2026-01-01T00:00:00+08:00',
    };
    api
      .on('GET', '/members/5', { data: member, headers: { etag: '"v3"' } })
      .on('PATCH', '/members/5', ({ body }) => ({ data: { ...member, ...(body as object), version: 4 } }));
    const onDone = vi.fn();
    renderWithProviders(<MemberFormModal editId={5} onClose={() => {}} onDone={onDone} />);

    const mobile = await screen.findByLabelText('手机号');
    fireEvent.change(mobile, { target: { value: '13900000000' } });
    fireEvent.click(screen.getByRole('button', { name: /保\s*存/ }));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const patch = api.calls.find((c) => c.method === 'PATCH');
    expect(patch?.headers.get('If-Match')).toBe('"v3"');
    expect(patch?.body).toEqual({ mobile: '13900000000' });
  });

  it('tells the user when someone else changed the record meanwhile (412)', async () => {
    api
      .on('GET', '/members/6', {
        data: { id: 6, name: '王五', id_number_masked: '410721********0000', gender: 'F', birth_date: '1991-01-01', mobile: null,
          org_id: 20, org_name: 'x', employer_id: null, employer_name: null, join_date: null, employment_type: 'regular',
          member_card_status: 'not_collected', member_card_number: null, status: 'active', remark: null, version: 1,
          created_at: '2026-01-01T00:00:00+08:00', updated_at: '2026-01-01T00:00:00+08:00' },
        headers: { etag: '"v1"' },
      })
      .on('PATCH', '/members/6', { status: 412, data: { code: 412, status: 'Precondition Failed' } });
    const onDone = vi.fn();
    renderWithProviders(<MemberFormModal editId={6} onClose={() => {}} onDone={onDone} />);
    fireEvent.change(await screen.findByLabelText('手机号'), { target: { value: '13700000000' } });
    fireEvent.click(screen.getByRole('button', { name: /保\s*存/ }));
    expect(await screen.findByText('该记录已被他人修改，请刷新后重试')).toBeInTheDocument();
    expect(onDone).not.toHaveBeenCalled();
  });
});
