// Members (会员): list, CRUD with ETag, full ID number reveal (audited), transfers (接转).
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, getWithEtag, ifMatch, type Page } from '@/lib/api-client';
import type {
  IdNumberReveal,
  Member,
  MemberCreate,
  MemberQuery,
  MemberTransfer,
  MemberTransferCreate,
  MemberUpdate,
  TransferQuery,
} from '../types';

export const memberKeys = {
  all: ['members'] as const,
  detail: (id: number) => ['members', 'detail', id] as const,
  transfers: (id: number) => ['members', 'transfers', id] as const,
};

export const transferKeys = { all: ['member-transfers'] as const };

export const MEMBER_SORT_FIELDS = ['name', 'join_date', 'birth_date'] as const;

export function listMembers(query: MemberQuery): Promise<Page<Member>> {
  return getPage<Member>('/members', { ...query });
}

export function memberDetailQuery(id: number) {
  return queryOptions({
    queryKey: memberKeys.detail(id),
    // 404 is an answer here (missing, or another county's): the screen shows it.
    queryFn: () => getWithEtag<Member>(`/members/${id}`, { silent: [404] }),
    staleTime: 0,
  });
}

export function useMember(id: number | undefined) {
  return useQuery({ ...memberDetailQuery(id ?? 0), enabled: id !== undefined });
}

export async function createMember(data: MemberCreate): Promise<Member> {
  return (await apiClient.post<Member>('/members', data, { silent: [422] })).data;
}

export async function updateMember({ id, etag, data }: { id: number; etag: string | null; data: MemberUpdate }): Promise<Member> {
  return (await apiClient.patch<Member>(`/members/${id}`, data, { headers: ifMatch(etag), silent: [422] })).data;
}

/** 退会: the member is marked lapsed; the record and its history stay. */
export async function lapseMember({ id, etag }: { id: number; etag: string | null }): Promise<void> {
  await apiClient.delete(`/members/${id}`, { headers: ifMatch(etag) });
}

/** The full ID number. Needs members.reveal_pii; the server writes an audit-log row for every call. */
export async function revealIdNumber(id: number): Promise<string> {
  return (await apiClient.get<IdNumberReveal>(`/members/${id}/id-number`)).data.id_number;
}

export function listMemberTransfers(id: number, page = 1, pageSize = 50): Promise<Page<MemberTransfer>> {
  return getPage<MemberTransfer>(`/members/${id}/transfers`, { page, page_size: pageSize });
}

export function useMemberTransfers(id: number | undefined) {
  return useQuery({
    queryKey: memberKeys.transfers(id ?? 0),
    queryFn: () => listMemberTransfers(id ?? 0),
    enabled: id !== undefined,
  });
}

export async function transferMember({ id, data }: { id: number; data: MemberTransferCreate }): Promise<MemberTransfer> {
  return (await apiClient.post<MemberTransfer>(`/members/${id}/transfers`, data, { silent: [422] })).data;
}

export function listTransfers(query: TransferQuery): Promise<Page<MemberTransfer>> {
  return getPage<MemberTransfer>('/member-transfers', { ...query });
}

function useMemberMutation<V, R>(fn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: memberKeys.all }),
        queryClient.invalidateQueries({ queryKey: transferKeys.all }),
      ]);
    },
  });
}

export const useCreateMember = () => useMemberMutation(createMember);
export const useUpdateMember = () => useMemberMutation(updateMember);
export const useLapseMember = () => useMemberMutation(lapseMember);
export const useTransferMember = () => useMemberMutation(transferMember);
export const useRevealIdNumber = () => useMutation({ mutationFn: revealIdNumber });
