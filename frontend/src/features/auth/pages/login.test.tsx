import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CSRF_HEADER_NAME } from '@/lib/api-client';
import { makeMe } from '@/testing/fixtures';
import { mockApi, type MockApi } from '@/testing/mock-api';
import { renderRoutes } from '@/testing/render';
import LoginPage from './login';

function csrfReply() {
  return {
    data: { csrf_token: 'csrf-abc' },
    sideEffect: () => {
      document.cookie = 'csrf_token=csrf-abc; path=/';
    },
  };
}

function renderLogin(initialPath = '/login') {
  return renderRoutes(
    [
      { path: '/login', element: <LoginPage /> },
      { path: '*', element: <div data-testid="landed">landed</div> },
    ],
    { initialPath },
  );
}

async function submit(username: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('用户名'), username);
  await user.type(screen.getByLabelText('密码'), password);
  await user.click(screen.getByRole('button', { name: /登\s*录/ }));
}

describe('LoginPage', () => {
  let api: MockApi;

  beforeEach(() => {
    api = mockApi();
  });

  afterEach(() => api.restore());

  it('gets a CSRF token, then shows the server error message when login fails', async () => {
    api.on('GET', '/auth/csrf', csrfReply());
    api.on('POST', '/auth/login', {
      status: 401,
      data: { code: 401, status: 'Unauthorized', message: '用户名或密码错误' },
    });

    renderLogin();
    await submit('zhangsan', 'wrong-password');

    expect(await screen.findByRole('alert')).toHaveTextContent('用户名或密码错误');
    expect(api.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /auth/csrf', 'POST /auth/login']);
    const login = api.calls[1];
    expect(login?.body).toEqual({ username: 'zhangsan', password: 'wrong-password' });
    expect(login?.headers.get(CSRF_HEADER_NAME)).toBe('csrf-abc');
  });

  it('shows the lockout message of a 429', async () => {
    api.on('GET', '/auth/csrf', csrfReply());
    api.on('POST', '/auth/login', {
      status: 429,
      data: { code: 429, status: 'Too Many Requests', message: '账户已锁定，请15分钟后再试' },
    });

    renderLogin();
    await submit('zhangsan', 'whatever1');

    expect(await screen.findByRole('alert')).toHaveTextContent('账户已锁定，请15分钟后再试');
  });

  it('asks for both fields before calling the server', async () => {
    renderLogin();
    await userEvent.setup().click(screen.getByRole('button', { name: /登\s*录/ }));

    expect(await screen.findByText('请输入用户名')).toBeInTheDocument();
    expect(screen.getByText('请输入密码')).toBeInTheDocument();
    expect(api.calls).toHaveLength(0);
  });

  it('keeps the /me body the login answers with and goes to ?next', async () => {
    api.on('GET', '/auth/csrf', csrfReply());
    api.on('POST', '/auth/login', { data: makeMe() });

    const { router, queryClient } = renderLogin('/login?next=%2Ftenants');
    await submit('zhangsan', 'right-password1');

    await waitFor(() => expect(router.state.location.pathname).toBe('/tenants'));
    expect(queryClient.getQueryData(['me'])).toMatchObject({ user: { username: 'zhangsan' }, tenant: { id: 7 } });
    expect(api.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /auth/csrf', 'POST /auth/login']);
  });

  it('asks GET /me when the login answer is only {user}', async () => {
    api.on('GET', '/auth/csrf', csrfReply());
    api.on('POST', '/auth/login', { data: { user: makeMe().user } });
    api.on('GET', '/me', { data: makeMe() });

    const { router, queryClient } = renderLogin();
    await submit('zhangsan', 'right-password1');

    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
    expect(queryClient.getQueryData(['me'])).toMatchObject({ permissions: ['orgs.read', 'members.read'] });
  });
});
