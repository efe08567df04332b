// Auth endpoints: csrf, login, logout, password. One file per resource (STYLE 6.8).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient, fetchCsrfToken } from '@/lib/api-client';
import { meQueryKey, reloadSession } from '@/lib/access';
import { paths } from '@/config/paths';
import type { LoginPayload, LoginResponse, PasswordChangePayload } from '../types';

/** GET /auth/csrf, then POST /auth/login. Errors are shown by the login form, not as a toast. */
export async function login(payload: LoginPayload): Promise<LoginResponse> {
  await fetchCsrfToken();
  const response = await apiClient.post<LoginResponse>('/auth/login', payload, {
    silent: true,
    skipAuthRedirect: true,
  });
  return response.data;
}

export async function logout(): Promise<void> {
  await apiClient.post('/auth/logout', undefined, { silent: true, skipAuthRedirect: true });
}

export async function changePassword(payload: PasswordChangePayload): Promise<void> {
  await apiClient.post('/auth/password', payload, { silent: true });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: async (data) => {
      // The new session may see a different tenant: nothing cached before login survives it.
      await reloadSession(queryClient, data);
    },
  });
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}

/**
 * Sign out and leave with a full page load, so no state of the old session (caches, forms,
 * lazily loaded screens) outlives it. Signing out locally still happens if the request fails.
 */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      queryClient.clear();
      window.location.assign(paths.login);
    },
  });
}
