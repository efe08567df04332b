// Render helpers: the real AppProvider (Query, antd locale/theme, App) around a memory router.
import type { ReactElement } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { AppProvider } from '@/app/provider';
import { createQueryClient } from '@/lib/query-client';

export function createTestQueryClient(): QueryClient {
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } });
  return client;
}

/** Render route objects at `initialPath`; returns the router too, to assert on navigation. */
export function renderRoutes(
  routes: RouteObject[],
  { initialPath = '/', queryClient = createTestQueryClient() }: { initialPath?: string; queryClient?: QueryClient } = {},
) {
  const router = createMemoryRouter(routes, { initialEntries: [initialPath] });
  const result = render(
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...result, router, queryClient };
}

/** Render one element as the only route at `path`. */
export function renderWithProviders(ui: ReactElement, options: { path?: string; initialPath?: string; queryClient?: QueryClient } = {}) {
  const path = options.path ?? '/';
  return renderRoutes([{ path, element: ui }, { path: '*', element: <div>elsewhere</div> }], {
    initialPath: options.initialPath ?? path,
    queryClient: options.queryClient,
  });
}
