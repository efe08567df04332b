// The org tree as the shared UI reads it (OrgTreeSelect, OrgName, the 组织架构 page): lazy levels
// from GET /orgs?parent_id= (or ?roots=true), cached in TanStack Query under the 'orgs' key.
import type { QueryClient } from '@tanstack/react-query';
import type { components } from '@/types/api.gen';
import { apiClient, getPage } from './api-client';

export type OrgNode = components['schemas']['Org'];

export const orgTreeKeys = {
  all: ['orgs'] as const,
  children: (parentId: number | 'roots') => ['orgs', 'children', parentId] as const,
  search: (q: string) => ['orgs', 'search', q] as const,
  one: (id: number) => ['orgs', 'one', id] as const,
};

const PAGE = 100;

/** Every child of `parentId` (all pages), or the roots of the user's scope. */
export async function fetchOrgChildren(parentId: number | 'roots'): Promise<OrgNode[]> {
  const out: OrgNode[] = [];
  for (let page = 1; ; page += 1) {
    const filter = parentId === 'roots' ? { roots: true } : { parent_id: parentId };
    const result = await getPage<OrgNode>('/orgs', { ...filter, page, page_size: PAGE });
    out.push(...result.items);
    if (result.items.length < PAGE || out.length >= result.total) return out;
  }
}

export function orgChildrenQuery(queryClient: QueryClient, parentId: number | 'roots'): Promise<OrgNode[]> {
  return queryClient.fetchQuery({
    queryKey: orgTreeKeys.children(parentId),
    queryFn: () => fetchOrgChildren(parentId),
    staleTime: 60_000,
  });
}

export async function fetchOrg(id: number): Promise<OrgNode> {
  const response = await apiClient.get<OrgNode>(`/orgs/${id}`, { silent: true });
  return response.data;
}

/** Ancestor ids of an org from its materialised path `/1/5/20/` (the org itself excluded). */
export function ancestorIds(org: Pick<OrgNode, 'id' | 'path'>): number[] {
  return org.path
    .split('/')
    .filter(Boolean)
    .map(Number)
    .filter((id) => Number.isFinite(id) && id !== org.id);
}
