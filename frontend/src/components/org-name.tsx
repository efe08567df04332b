// The name of an org by id (GET /orgs/{id}, cached), for tables that only carry the id.
import { useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { type OrgNode, orgTreeKeys } from '@/lib/org-tree';

export function OrgName({ id }: { id: number | null | undefined }) {
  const { data, isError } = useQuery({
    queryKey: orgTreeKeys.one(id ?? 0),
    queryFn: async () => (await apiClient.get<OrgNode>(`/orgs/${id}`, { silent: true })).data,
    enabled: id != null,
    staleTime: 5 * 60_000,
  });
  if (id == null) return <>-</>;
  if (isError) return <>#{id}</>;
  return <>{data?.name ?? '…'}</>;
}
