// createBrowserRouter from the route table. The layout route's loader makes sure a session exists
// (else → /login?next=…); each page's loader checks the table's access rule (else → 403 page).
import { type QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, data, type LoaderFunctionArgs, redirect, type RouteObject } from 'react-router';
import { NotFoundPage, RouteErrorBoundary } from '@/components/route-error-boundary';
import { PageLoading } from '@/components/page-loading';
import { loginPath, paths, safeNext } from '@/config/paths';
import { type AccessRule, buildAccess, type Me, meQueryOptions } from '@/lib/access';
import { isApiError } from '@/lib/api-client';
import { type AppRoute, appRoutes, leafRoutes } from './routes';

function FullPageLoading() {
  return <PageLoading fullScreen />;
}

/** The signed-in user, or a redirect to the login page that comes back here afterwards. */
async function requireMe(queryClient: QueryClient, request: Request): Promise<Me> {
  try {
    return await queryClient.ensureQueryData(meQueryOptions);
  } catch (error) {
    if (isApiError(error) && error.status === 401) {
      const url = new URL(request.url);
      throw redirect(loginPath(url.pathname + url.search));
    }
    throw error;
  }
}

function guardLoader(queryClient: QueryClient, rule: AccessRule | undefined) {
  return async ({ request }: LoaderFunctionArgs) => {
    const me = await requireMe(queryClient, request);
    if (!buildAccess(me).can(rule)) throw data(null, { status: 403, statusText: 'Forbidden' });
    return null;
  };
}

function pageRoute(queryClient: QueryClient, route: ReturnType<typeof leafRoutes>[number]): RouteObject {
  const common = {
    loader: guardLoader(queryClient, route.effectiveAccess),
    lazy: async () => ({ Component: (await route.lazy()).default }),
    ErrorBoundary: RouteErrorBoundary,
    handle: { name: route.name },
  };
  return route.path === paths.home ? { index: true, ...common } : { path: route.path, ...common };
}

export function buildRouteObjects(queryClient: QueryClient, routes: readonly AppRoute[] = appRoutes): RouteObject[] {
  return [
    {
      path: paths.login,
      loader: async ({ request }) => {
        // Already signed in: go where the user was headed instead of showing the form. A session
        // probe that has just failed (we were redirected here) is not repeated.
        if (queryClient.getQueryState(meQueryOptions.queryKey)?.status === 'error') return null;
        try {
          await queryClient.ensureQueryData(meQueryOptions);
        } catch {
          return null;
        }
        throw redirect(safeNext(new URL(request.url).searchParams.get('next')));
      },
      lazy: async () => ({ Component: (await import('@/features/auth/pages/login')).default }),
      HydrateFallback: FullPageLoading,
      ErrorBoundary: RouteErrorBoundary,
    },
    {
      id: 'app',
      path: '/',
      loader: async ({ request }) => {
        await requireMe(queryClient, request);
        return null;
      },
      lazy: async () => ({ Component: (await import('./layout')).AppLayout }),
      HydrateFallback: FullPageLoading,
      ErrorBoundary: RouteErrorBoundary,
      children: [
        ...leafRoutes(routes).map((route) => pageRoute(queryClient, route)),
        { path: '*', Component: NotFoundPage },
      ],
    },
  ];
}

export function createAppRouter(queryClient: QueryClient, routes: readonly AppRoute[] = appRoutes) {
  return createBrowserRouter(buildRouteObjects(queryClient, routes));
}
