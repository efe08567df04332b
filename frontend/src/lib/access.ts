// Who is signed in and what they may do, from GET /api/v1/me. The route table, the menu, the
// route guard and `<Access>` all decide with the same `AccessState.can(rule)`.
import { type ReactNode, useMemo } from 'react';
import { type QueryClient, queryOptions, useQuery, useSuspenseQuery } from '@tanstack/react-query';
import type { MessageKey } from '@/locales';
import { apiClient } from './api-client';

export type Role =
  | 'platform_admin'
  | 'federation_admin'
  | 'org_staff'
  | 'grassroots_chair'
  | 'grid_officer'
  | 'auditor'
  | 'judge';

export interface MeUser {
  id: number;
  username: string;
  display_name: string;
  role: Role | (string & {});
  /** The server's Chinese label for the role. */
  role_label?: string;
  must_change_password: boolean;
  tenant_id?: number | null;
  scope_org_id?: number | null;
}

export interface MeTenant {
  id: number;
  name: string;
  code: string;
  region_code?: string;
}

export interface MeScope {
  org_id: number;
  org_name: string;
  org_type?: string;
  /** True when the scope is the tenant's root org (the whole county). */
  is_root?: boolean;
  org_ids_count?: number;
}

export interface Me {
  user: MeUser;
  tenant: MeTenant | null;
  permissions: string[];
  scope: MeScope | null;
  scope_org_ids?: number[];
  is_platform_admin: boolean;
  /** A platform admin currently acting inside a tenant after an explicit (audited) switch. */
  acting_tenant_switch: boolean;
}

/** The role's name in the current locale; the server's label for roles the SPA does not know yet. */
export function roleLabel(user: Pick<MeUser, 'role' | 'role_label'>, t: (key: MessageKey) => string): string {
  const key = `role.${user.role}` as MessageKey;
  const translated = t(key);
  return translated === key ? (user.role_label ?? user.role) : translated;
}

export const meQueryKey = ['me'] as const;

export async function fetchMe(): Promise<Me> {
  // The session probe: a 401 here is an answer ("not signed in"), not an error to show.
  const response = await apiClient.get<Me>('/me', { silent: true, skipAuthRedirect: true });
  return response.data;
}

export const meQueryOptions = queryOptions({
  queryKey: meQueryKey,
  queryFn: fetchMe,
  staleTime: 60_000,
  retry: false,
});

function isMe(value: unknown): value is Me {
  return !!value && typeof value === 'object' && 'user' in value && Array.isArray((value as Me).permissions);
}

/**
 * After a login or tenant switch: drop every cached query (they belong to the old principal or
 * tenant) and take the new /me, from the response when the endpoint returned it (login and
 * switch-tenant answer with the /me body), else by asking GET /me again.
 */
export async function reloadSession(queryClient: QueryClient, fresh?: unknown): Promise<Me> {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meQueryKey[0] });
  if (isMe(fresh)) {
    queryClient.setQueryData(meQueryKey, fresh);
    return fresh;
  }
  return queryClient.fetchQuery({ ...meQueryOptions, staleTime: 0 });
}

/**
 * A permission code (`'members.write'`), a list meaning "any of these", or a predicate for
 * anything else (`(a) => a.isPlatformAdmin && !a.hasTenant`).
 */
export type AccessRule = string | readonly string[] | ((access: AccessState) => boolean);

export interface AccessState {
  me: Me | undefined;
  isAuthenticated: boolean;
  isPlatformAdmin: boolean;
  hasTenant: boolean;
  permissions: ReadonlySet<string>;
  /** No rule means "any signed-in user". */
  can: (rule?: AccessRule) => boolean;
}

export function buildAccess(me: Me | null | undefined): AccessState {
  const permissions = new Set(me?.permissions ?? []);
  const state: AccessState = {
    me: me ?? undefined,
    isAuthenticated: !!me,
    isPlatformAdmin: !!me?.is_platform_admin,
    hasTenant: !!me?.tenant,
    permissions,
    can: (rule) => {
      if (!me) return false;
      if (rule === undefined) return true;
      if (typeof rule === 'function') return rule(state);
      if (typeof rule === 'string') return permissions.has(rule);
      return rule.some((p) => permissions.has(p));
    },
  };
  return state;
}

/** The signed-in user; only inside routes whose loader made sure /me is loaded. */
export function useMe(): Me {
  return useSuspenseQuery(meQueryOptions).data;
}

export function useAccess(): AccessState {
  const { data } = useQuery(meQueryOptions);
  return useMemo(() => buildAccess(data), [data]);
}

export interface AccessProps {
  can: AccessRule;
  /** Rendered when access is denied (default: nothing). */
  fallback?: ReactNode;
  children: ReactNode;
}

/** `<Access can="funds.approve"><Button>审批</Button></Access>` */
export function Access({ can, fallback = null, children }: AccessProps): ReactNode {
  const access = useAccess();
  return access.can(can) ? children : fallback;
}
