import { screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setUnauthorizedHandler } from '@/lib/api-client';
import { makeMe, platformAdminMe } from '@/testing/fixtures';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { buildRouteObjects } from './router';
import { createTestQueryClient, renderRoutes } from '@/testing/render';

describe('router guard', () => {
  let api: MockApi;

  beforeEach(() => {
    api = mockApi();
    setUnauthorizedHandler(() => {});
  });

  afterEach(() => {
    api.restore();
    setUnauthorizedHandler(null);
  });

  it('sends a visitor without a session to /login?next=…', async () => {
    api.on('GET', '/me', { status: 401, data: { code: 401, status: 'Unauthorized', message: '请先登录' } });
    const queryClient = createTestQueryClient();

    const { router } = renderRoutes(buildRouteObjects(queryClient), { initialPath: '/tenants', queryClient });

    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(router.state.location.search).toBe('?next=%2Ftenants');
    expect(await screen.findByRole('button', { name: /登\s*录/ })).toBeInTheDocument();
  });

  it('answers 403 inside the layout when the route table denies the page', async () => {
    api.on('GET', '/me', { data: makeMe() });
    const queryClient = createTestQueryClient();

    renderRoutes(buildRouteObjects(queryClient), { initialPath: '/tenants', queryClient });

    expect(await screen.findByText('无权访问')).toBeInTheDocument();
    // The shell is still there: header with tenant, scope and user.
    expect(screen.getByTestId('current-user')).toHaveTextContent('张三');
    expect(screen.getByTestId('header-context')).toHaveTextContent('示例县总工会');
  });

  it('shows a tenant-less platform admin the tenant menu and the switch control', async () => {
    api.on('GET', '/me', { data: platformAdminMe() });
    api.on('GET', '/tenants', {
      data: [{ id: 7, code: 'demo-county', name: '示例县总工会', region_code: '410102', status: 'active' }],
      headers: { 'x-pagination': JSON.stringify({ total: 1 }) },
    });
    const queryClient = createTestQueryClient();

    renderRoutes(buildRouteObjects(queryClient), { initialPath: '/tenants', queryClient });

    expect(await screen.findByText('示例县总工会')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /切换租户/ })).toBeInTheDocument();
    expect(screen.getByTestId('header-context')).toHaveTextContent('未进入租户');
    expect(screen.getAllByRole('link', { name: /租户管理/ }).length).toBeGreaterThan(0);
  });
});
