// Users of the current tenant (users.manage) and the audit log (audit.read).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, type Page } from '@/lib/api-client';
import type { AuditLogEntry, AuditLogQuery, User, UserCreate, UserQuery, UserUpdate } from '../types';

export const userKeys = { all: ['users'] as const };

export function listUsers(query: UserQuery): Promise<Page<User>> {
  return getPage<User>('/users', { ...query });
}

export async function getUser(id: number): Promise<User> {
  return (await apiClient.get<User>(`/users/${id}`)).data;
}

export async function createUser(data: UserCreate): Promise<User> {
  return (await apiClient.post<User>('/users', data, { silent: [422] })).data;
}

export async function updateUser({ id, data }: { id: number; data: UserUpdate }): Promise<User> {
  return (await apiClient.patch<User>(`/users/${id}`, data, { silent: [422] })).data;
}

export async function resetPassword({ id, newPassword }: { id: number; newPassword: string }): Promise<void> {
  await apiClient.post(`/users/${id}/reset-password`, { new_password: newPassword }, { silent: [422] });
}

function useUserMutation<V, R>(fn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }) });
}

export const useCreateUser = () => useUserMutation(createUser);
export const useUpdateUser = () => useUserMutation(updateUser);
export const useResetPassword = () => useUserMutation(resetPassword);

export function listAuditLog(query: AuditLogQuery): Promise<Page<AuditLogEntry>> {
  return getPage<AuditLogEntry>('/audit-log', { ...query });
}
