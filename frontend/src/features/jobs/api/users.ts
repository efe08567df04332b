// Names for `started_by` ids. The jobs API gives only the user id; a user who manages accounts can
// look the names up (GET /users/{id}), everyone else sees 我 for their own jobs and 用户 #id otherwise.
import { useQueries } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { useAccess } from '@/lib/access';

interface UserName {
  id: number;
  display_name: string;
}

export function useUserNames(ids: readonly (number | null | undefined)[]): Map<number, string> {
  const access = useAccess();
  const canLookUp = access.can('users.manage');
  const me = access.me?.user.id;
  const unique = [...new Set(ids.filter((id): id is number => typeof id === 'number' && id !== me))].sort((a, b) => a - b);
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ['users', 'name', id] as const,
      queryFn: async () => (await apiClient.get<UserName>(`/users/${id}`, { silent: true })).data,
      enabled: canLookUp,
      staleTime: 10 * 60_000,
      retry: false,
    })),
  });
  const names = new Map<number, string>();
  results.forEach((result, index) => {
    const id = unique[index];
    if (id !== undefined && result.data) names.set(id, result.data.display_name);
  });
  return names;
}
