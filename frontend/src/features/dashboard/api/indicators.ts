// GET /indicators?org_id= — organisation-building indicators of a subtree, one row per direct child.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import type { Indicators, MembersOverTime } from '../types';

export async function fetchIndicators(orgId?: number): Promise<Indicators> {
  const params = orgId ? { org_id: orgId } : {};
  return (await apiClient.get<Indicators>('/indicators', { params })).data;
}

export function useIndicators(orgId?: number, enabled = true) {
  return useQuery({
    queryKey: ['indicators', orgId ?? 'scope'],
    queryFn: () => fetchIndicators(orgId),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    enabled,
  });
}

/** "95.24" → 95.24; null (no denominator) stays null. */
export function rateNumber(rate: string | null | undefined): number | null {
  if (rate === null || rate === undefined || rate === '') return null;
  const n = Number(rate);
  return Number.isFinite(n) ? n : null;
}

/** "95.24" → "95.24%", null → "—". */
export function formatRate(rate: string | null | undefined): string {
  const n = rateNumber(rate);
  return n === null ? '—' : `${n.toFixed(2)}%`;
}

/** GET /indicators/members-over-time — monthly joins, transfers, leaves and members of a subtree. */
export async function fetchMembersOverTime(orgId?: number, months = 24): Promise<MembersOverTime> {
  const params = { months, ...(orgId ? { org_id: orgId } : {}) };
  return (await apiClient.get<MembersOverTime>('/indicators/members-over-time', { params })).data;
}

export function useMembersOverTime(orgId?: number, months = 24, enabled = true) {
  return useQuery({
    queryKey: ['indicators', 'members-over-time', orgId ?? 'scope', months],
    queryFn: () => fetchMembersOverTime(orgId, months),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    enabled,
  });
}
