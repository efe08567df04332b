import type { ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { createTestQueryClient } from '@/testing/render';
import { putToStorage } from './api/evidence';
import { sha256File } from './sha256';
import type { Evidence, EvidenceOptions } from './types';
import { defaultDeps, fileRefusal, type Messages, type UploadDeps, type UploadState, uploadOne, useEvidenceUpload } from './use-evidence-upload';

const messages: Messages = { tooBig: '太大', badType: '类型不支持', empty: '空文件', putFailed: '上传到存储失败', failed: '失败' };
const options: EvidenceOptions = {
  max_file_bytes: 1000,
  allowed_types: [
    { mime: 'image/jpeg', label: 'JPEG 图片', extensions: ['.jpg', '.jpeg'] },
    { mime: 'application/pdf', label: 'PDF', extensions: ['.pdf'] },
  ],
  subject_types: [{ code: 'member', label: '会员' }],
};

function evidence(overrides: Partial<Evidence> = {}): Evidence {
  return {
    id: 31,
    subject_type: 'member',
    subject_type_label: '会员',
    subject_id: 12,
    filename: '签字表.pdf',
    description: null,
    status: 'verifying',
    status_label: '核验中',
    status_reason: null,
    declared_size: 5,
    declared_type: 'application/pdf',
    declared_sha256: 'x',
    size: null,
    sha256: null,
    detected_type: null,
    detected_type_label: null,
    storage_key: 't/1/evidence/x.pdf',
    s3_version_id: null,
    retention_mode: null,
    retain_until: null,
    uploaded_by: 1,
    uploader_name: '张三',
    job_id: 5,
    confirmed_at: null,
    verified_at: null,
    checked_at: null,
    deleted_at: null,
    version: 1,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

const ticket = { url: 'http://s3.example/bucket/t/1/evidence/x.pdf?X-Amz-Signature=abc', method: 'PUT', headers: { 'Content-Type': 'application/pdf', 'x-amz-checksum-sha256': 'LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=' }, expires_at: '2026-01-01T00:15:00Z' };
const PDF = new TextEncoder().encode('%PDF-');
// SHA-256 of "%PDF-" (printf '%%PDF-' | sha256sum)
const PDF_SHA = '38523c087796e5d5dd1cf9bad1fb026781a838dd9dd2cf8af58b9f6502a46778';

let api: MockApi;
beforeEach(() => {
  document.cookie = 'csrf_token=t; path=/';
});
afterEach(() => api?.restore());

describe('uploadOne', () => {
  it('hashes, announces, PUTs with the signed headers and confirms, reporting every step', async () => {
    api = mockApi()
      .on('POST', '/evidence', ({ body }) => ({ status: 201, data: { ...evidence({ status: 'pending_upload' }), ...(body as object), id: 31, upload: ticket } }))
      .on('POST', '/evidence/31/confirm', { status: 202, data: evidence() });
    const puts: { ticket: typeof ticket; size: number }[] = [];
    const deps: UploadDeps = {
      ...defaultDeps,
      put: async (t, file, onProgress) => {
        puts.push({ ticket: t as typeof ticket, size: file.size });
        onProgress(2, 5);
        onProgress(5, 5);
      },
    };
    const file = new File([PDF], '签字表.pdf', { type: 'application/pdf' });
    const steps: Partial<UploadState>[] = [];
    const confirmed = await uploadOne(file, { subjectType: 'member', subjectId: 12 }, deps, (p) => steps.push(p), messages);

    expect(confirmed.status).toBe('verifying');
    const announce = api.calls.find((c) => c.method === 'POST' && c.url === '/evidence');
    expect(announce?.body).toEqual({
      subject_type: 'member',
      subject_id: 12,
      filename: '签字表.pdf',
      size: 5,
      content_type: 'application/pdf',
      sha256: PDF_SHA,
    });
    expect(announce?.headers.get('X-CSRF-Token')).toBe('t');
    expect(puts).toEqual([{ ticket, size: 5 }]);
    expect(api.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /evidence', 'POST /evidence/31/confirm']);
    const phases = steps.filter((s) => s.phase).map((s) => s.phase);
    expect(phases).toEqual(['hashing', 'requesting', 'uploading', 'confirming', 'done']);
    expect(steps).toContainEqual({ percent: 40 });
    expect(steps).toContainEqual({ itemId: 31 });
  });

  it('reports the server’s reason when the announce is refused (422 field error, 409 quota)', async () => {
    api = mockApi().on('POST', '/evidence', {
      status: 422,
      data: { code: 422, status: 'Unprocessable Entity', errors: { json: { filename: ['不允许上传可执行程序、网页或含宏文档（.exe）'] } } },
    });
    const steps: Partial<UploadState>[] = [];
    const put = vi.fn();
    await expect(
      uploadOne(new File([PDF], 'a.exe'), { subjectType: 'member', subjectId: 12 }, { ...defaultDeps, put }, (p) => steps.push(p), messages),
    ).rejects.toBeTruthy();
    expect(put).not.toHaveBeenCalled();
    expect(steps[steps.length - 1]).toEqual({ phase: 'error', error: '不允许上传可执行程序、网页或含宏文档（.exe）' });

    api.restore();
    api = mockApi().on('POST', '/evidence', { status: 409, data: { code: 409, message: '本单位证据存储空间不足' } });
    const quota: Partial<UploadState>[] = [];
    await expect(uploadOne(new File([PDF], 'a.pdf'), { subjectType: 'member', subjectId: 12 }, defaultDeps, (p) => quota.push(p), messages)).rejects.toBeTruthy();
    expect(quota[quota.length - 1]?.error).toBe('本单位证据存储空间不足');
  });

  it('says plainly when the PUT to storage fails, and does not confirm', async () => {
    api = mockApi().on('POST', '/evidence', { status: 201, data: { ...evidence(), upload: ticket } });
    const steps: Partial<UploadState>[] = [];
    const deps: UploadDeps = { ...defaultDeps, put: () => Promise.reject(new Error('Network Error')) };
    await expect(uploadOne(new File([PDF], 'a.pdf'), { subjectType: 'member', subjectId: 12 }, deps, (p) => steps.push(p), messages)).rejects.toThrow();
    expect(steps[steps.length - 1]).toEqual({ phase: 'error', error: '上传到存储失败' });
    expect(api.calls.some((c) => c.url.endsWith('/confirm'))).toBe(false);
  });
});

describe('fileRefusal', () => {
  it('refuses empty, oversized and unlisted files before hashing', () => {
    expect(fileRefusal({ name: 'a.pdf', size: 0 }, options, messages)).toBe('空文件');
    expect(fileRefusal({ name: 'a.pdf', size: 1001 }, options, messages)).toBe('太大');
    expect(fileRefusal({ name: 'a.exe', size: 10 }, options, messages)).toBe('类型不支持');
    expect(fileRefusal({ name: 'photo.JPG', size: 10 }, options, messages)).toBeNull();
    expect(fileRefusal({ name: 'a.exe', size: 10 }, undefined, messages)).toBeNull();
  });
});

describe('useEvidenceUpload', () => {
  function wrapper() {
    const client = createTestQueryClient();
    return ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  }

  it('runs files one after another and drops each row once confirmed; a failed one stays to retry', async () => {
    let announced = 0;
    api = mockApi()
      .on('POST', '/evidence', ({ body }) => {
        announced += 1;
        return { status: 201, data: { ...evidence({ id: 40 + announced }), filename: (body as { filename: string }).filename, upload: ticket } };
      })
      .on('POST', '/evidence/41/confirm', { status: 202, data: evidence({ id: 41 }) })
      .on('POST', '/evidence/43/confirm', { status: 202, data: evidence({ id: 43 }) });
    let active = 0;
    let maxActive = 0;
    let failNext = false;
    const deps: UploadDeps = {
      ...defaultDeps,
      put: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 10));
        active -= 1;
        if (failNext) {
          failNext = false;
          throw new Error('Network Error');
        }
      },
    };
    const target = { subjectType: 'member', subjectId: 12 };
    const { result } = renderHook(() => useEvidenceUpload(target, messages, deps), { wrapper: wrapper() });

    await act(() => result.current.add([new File([PDF], '一.pdf'), new File([], '空.pdf')], (f) => fileRefusal(f, options, messages)));
    // the good file went through and left the list; the empty one was refused up front
    expect(result.current.uploads.map((u) => [u.name, u.phase, u.error])).toEqual([['空.pdf', 'error', '空文件']]);
    expect(maxActive).toBe(1);

    failNext = true;
    await act(() => result.current.add([new File([PDF], '二.pdf')]));
    const failed = result.current.uploads.find((u) => u.name === '二.pdf');
    expect(failed?.phase).toBe('error');
    expect(failed?.error).toBe('上传到存储失败');

    await act(() => result.current.retry(failed?.uid ?? ''));
    await waitFor(() => expect(result.current.uploads.some((u) => u.name === '二.pdf')).toBe(false));
    act(() => result.current.dismiss(result.current.uploads[0]?.uid ?? ''));
    expect(result.current.uploads).toEqual([]);
    expect(api.calls.filter((c) => c.url.endsWith('/confirm')).map((c) => c.url)).toEqual(['/evidence/41/confirm', '/evidence/43/confirm']);
  });
});

describe('putToStorage', () => {
  it('is the default PUT and the default hash is sha256File', () => {
    expect(defaultDeps.put).toBe(putToStorage);
    expect(typeof sha256File).toBe('function');
  });
});
