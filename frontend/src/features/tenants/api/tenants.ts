// Platform-admin tenant endpoints and the tenant switch.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, type Page } from '@/lib/api-client';
import { type Me, reloadSession } from '@/lib/access';
import type { Tenant, TenantQuery } from '../types';

export const tenantKeys = {
  all: ['tenants'] as const,
  list: (query: TenantQuery) => [...tenantKeys.all, 'list', query] as const,
};

/** GET /tenants — paginated, total in the X-Pagination header. */
export function listTenants(query: TenantQuery = {}): Promise<Page<Tenant>> {
  return getPage<Tenant>('/tenants', { ...query });
}

export function tenantListQueryOptions(query: TenantQuery) {
  return queryOptions({
    queryKey: tenantKeys.list(query),
    queryFn: () => listTenants(query),
    placeholderData: keepPreviousData,
  });
}

export function useTenantList(query: TenantQuery) {
  return useQuery(tenantListQueryOptions(query));
}

/**
 * POST /auth/switch-tenant `{tenant_id}`; `null` leaves the current tenant. Audited server-side.
 * Answers with the new /me.
 */
export async function switchTenant(tenantId: number | null): Promise<Me> {
  const response = await apiClient.post<Me>('/auth/switch-tenant', { tenant_id: tenantId });
  return response.data;
}

/** Switch, then drop every cached query of the previous tenant and reload /me. */
export function useSwitchTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: switchTenant,
    onSuccess: (me) => reloadSession(queryClient, me),
  });
}
