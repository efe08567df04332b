import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { meQueryKey } from '@/lib/access';
import { makeMe } from '@/testing/fixtures';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { createTestQueryClient, renderWithProviders } from '@/testing/render';
import type { Evidence, EvidenceOptions } from '../types';
import { EvidencePanel } from './evidence-panel';

const options: EvidenceOptions = {
  max_file_bytes: 100 * 1024 * 1024,
  allowed_types: [{ mime: 'application/pdf', label: 'PDF 文档', extensions: ['.pdf'] }],
  subject_types: [{ code: 'member', label: '会员' }],
};

function item(overrides: Partial<Evidence>): Evidence {
  return {
    id: 1, subject_type: 'member', subject_type_label: '会员', subject_id: 12, filename: 'a.pdf', description: null,
    status: 'verified', status_label: '已核验', status_reason: null, declared_size: 2048, declared_type: 'application/pdf',
    declared_sha256: 'x', size: 2048, sha256: 'x', detected_type: 'application/pdf', detected_type_label: 'PDF 文档',
    storage_key: 'k', s3_version_id: 'v', retention_mode: null, retain_until: null, uploaded_by: 1, uploader_name: '张三',
    job_id: 3, confirmed_at: null, verified_at: null, checked_at: null, deleted_at: null, version: 2,
    created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', ...overrides,
  };
}

const page = (items: Evidence[]) => ({ data: items, headers: { 'x-pagination': JSON.stringify({ total: items.length }) } });

describe('EvidencePanel', () => {
  let api: MockApi;
  beforeEach(() => {
    document.cookie = 'csrf_token=t; path=/';
  });
  afterEach(() => api.restore());

  function render(permissions: string[]) {
    const queryClient = createTestQueryClient();
    queryClient.setQueryData(meQueryKey, makeMe({ permissions }));
    return renderWithProviders(<EvidencePanel subjectType="member" subjectId={12} subjectName="冯宏亮" />, { queryClient });
  }

  it('follows a file from 核验中 to 已核验, shows a rejection’s reason, and deletes with the ETag', async () => {
    let verifying = true;
    let deleted = false;
    api = mockApi()
      .on('GET', '/evidence/options', { data: options })
      .on('GET', '/evidence', () =>
        page([
          ...(deleted ? [] : [item({ id: 2, filename: '伪装.png', status: 'rejected', status_label: '已拒收', status_reason: '文件实际是网页，已拒收' })]),
          verifying ? item({ id: 1, filename: '签字表.pdf', status: 'verifying', status_label: '核验中' }) : item({ id: 1, filename: '签字表.pdf' }),
        ]),
      )
      .on('GET', '/evidence/2', { data: item({ id: 2 }), headers: { etag: '"e2"' } })
      .on('DELETE', '/evidence/2', () => {
        deleted = true;
        return { status: 204 };
      });
    render(['members.read', 'members.write']);

    const list = await screen.findByTestId('evidence-list');
    await within(list).findByText('签字表.pdf');
    expect(within(list).getAllByTestId('evidence-status').map((el) => el.getAttribute('data-status'))).toEqual(['rejected', 'verifying']);
    expect(within(list).getByTestId('evidence-reason')).toHaveTextContent('文件实际是网页，已拒收');
    // only a verified file can be downloaded
    expect(within(list).queryAllByTestId('evidence-download')).toHaveLength(0);

    verifying = false;
    await waitFor(() => expect(within(list).getAllByTestId('evidence-status').map((el) => el.getAttribute('data-status'))).toEqual(['rejected', 'verified']), {
      timeout: 6000,
    });
    expect(within(list).getAllByTestId('evidence-download')).toHaveLength(1);

    fireEvent.click(within(list).getAllByTestId('evidence-delete')[0] as HTMLElement);
    fireEvent.click(await screen.findByRole('button', { name: /确\s*定/ }));
    await waitFor(() => expect(within(list).queryByText('伪装.png')).toBeNull());
    const del = api.calls.find((c) => c.method === 'DELETE');
    expect(del?.headers.get('If-Match')).toBe('"e2"');
  }, 20_000);

  it('without the write permission: no upload, no delete', async () => {
    api = mockApi().on('GET', '/evidence/options', { data: options }).on('GET', '/evidence', page([item({})]));
    render(['members.read']);
    await screen.findByText('a.pdf');
    expect(screen.queryByTestId('evidence-upload')).toBeNull();
    expect(screen.queryByTestId('evidence-delete')).toBeNull();
    expect(screen.getByTestId('evidence-download')).toBeInTheDocument();
    expect(screen.getByText(/没有上传或删除的权限/)).toBeInTheDocument();
  });
});
