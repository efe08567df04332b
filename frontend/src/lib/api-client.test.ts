import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { apiClient, ApiError, CSRF_HEADER_NAME, getPage, setErrorNotifier, setUnauthorizedHandler } from './api-client';

describe('api-client', () => {
  let api: MockApi;
  const notifier = vi.fn();
  const unauthorized = vi.fn();

  beforeEach(() => {
    api = mockApi();
    notifier.mockReset();
    unauthorized.mockReset();
    setErrorNotifier(notifier);
    setUnauthorizedHandler(unauthorized);
  });

  afterEach(() => {
    api.restore();
    setErrorNotifier(null);
    setUnauthorizedHandler(null);
  });

  it('echoes the csrf_token cookie as X-CSRF-Token on unsafe methods only', async () => {
    document.cookie = 'csrf_token=tok-123; path=/';
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) api.on(method, '/things', { status: 200, data: {} });

    await apiClient.get('/things');
    await apiClient.post('/things', { a: 1 });
    await apiClient.put('/things', { a: 1 });
    await apiClient.patch('/things', { a: 1 });
    await apiClient.delete('/things');

    const sent = Object.fromEntries(api.calls.map((c) => [c.method, c.headers.get(CSRF_HEADER_NAME)]));
    expect(sent).toEqual({ GET: undefined, POST: 'tok-123', PUT: 'tok-123', PATCH: 'tok-123', DELETE: 'tok-123' });
    expect(api.calls.every((c) => c.config.withCredentials === true)).toBe(true);
    expect(api.calls[0]?.config.baseURL).toBe('/api/v1');
  });

  it('asks GET /auth/csrf for a token first when there is no cookie yet', async () => {
    api
      .on('GET', '/auth/csrf', {
        data: { csrf_token: 'fresh-456' },
        sideEffect: () => {
          document.cookie = 'csrf_token=fresh-456; path=/';
        },
      })
      .on('POST', '/things', { status: 201, data: {} });

    await apiClient.post('/things', {});

    expect(api.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /auth/csrf', 'POST /things']);
    expect(api.calls[1]?.headers.get(CSRF_HEADER_NAME)).toBe('fresh-456');
  });

  it('turns the smorest error payload into an ApiError and shows the server message', async () => {
    document.cookie = 'csrf_token=t; path=/';
    api.on('POST', '/members', {
      status: 409,
      data: { code: 409, status: 'Conflict', message: '该会员已在其他工会登记' },
    });

    const error = await apiClient.post('/members', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 409, message: '该会员已在其他工会登记' });
    expect(notifier).toHaveBeenCalledWith('该会员已在其他工会登记');
  });

  it('replaces a bare HTTP reason phrase with a localized sentence and the first field error', async () => {
    api.on('GET', '/members', {
      status: 422,
      data: { code: 422, status: 'Unprocessable Entity', message: 'Unprocessable Entity', errors: { query: { page_size: ['必须小于等于100'] } } },
    });

    await expect(apiClient.get('/members')).rejects.toMatchObject({ status: 422 });
    expect(notifier).toHaveBeenCalledWith('提交的内容有误，请按提示修改：必须小于等于100');
  });

  it('stays quiet for silent requests and statuses the caller handles', async () => {
    api.on('GET', '/a', { status: 404, data: { code: 404, message: '记录不存在' } });
    api.on('GET', '/b', { status: 422, data: { code: 422, message: '提交的数据有误' } });
    api.on('GET', '/c', { status: 500, data: { code: 500, message: 'Internal Server Error' } });

    await expect(apiClient.get('/a', { silent: true })).rejects.toBeInstanceOf(ApiError);
    await expect(apiClient.get('/b', { silent: [422] })).rejects.toBeInstanceOf(ApiError);
    expect(notifier).not.toHaveBeenCalled();

    await expect(apiClient.get('/c', { silent: [422] })).rejects.toBeInstanceOf(ApiError);
    expect(notifier).toHaveBeenCalledWith('服务暂时不可用，请稍后重试');
  });

  it('hands a 401 to the unauthorized handler (redirect to login) unless told not to', async () => {
    api.on('GET', '/orgs', { status: 401, data: { code: 401, message: '请先登录' } });

    await expect(apiClient.get('/orgs')).rejects.toMatchObject({ status: 401 });
    expect(unauthorized).toHaveBeenCalledTimes(1);
    expect(notifier).not.toHaveBeenCalled();

    await expect(apiClient.get('/orgs', { skipAuthRedirect: true, silent: true })).rejects.toMatchObject({ status: 401 });
    expect(unauthorized).toHaveBeenCalledTimes(1);
  });

  it('reads the total from X-Pagination and drops empty filters', async () => {
    api.on('GET', '/tenants', {
      data: [{ id: 1 }, { id: 2 }],
      headers: { 'x-pagination': JSON.stringify({ total: 42, total_pages: 3, page: 2 }) },
    });

    const page = await getPage('/tenants', { page: 2, page_size: 20, q: '', status: undefined, region: '4101' });

    expect(page).toEqual({ items: [{ id: 1 }, { id: 2 }], total: 42, page: 2, pageSize: 20 });
    expect(api.calls[0]?.params).toEqual({ page: 2, page_size: 20, region: '4101' });
  });

  it('passes on that a total is the planner’s estimate', async () => {
    api.on('GET', '/members', {
      data: [{ id: 1 }],
      headers: { 'x-pagination': JSON.stringify({ total: 1000000, total_is_estimate: true }) },
    });
    expect(await getPage('/members')).toEqual({ items: [{ id: 1 }], total: 1000000, page: 1, pageSize: 20, estimated: true });
  });
});
