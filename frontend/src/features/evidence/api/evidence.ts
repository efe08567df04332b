// /evidence: the upload flow (announce → presigned PUT straight to S3 → confirm), the list of a
// record's files (polled while a file is being verified), download (presigned GET), delete (marks),
// and bundles (a zip of a record's verified files, built by a job).
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import axios, { type AxiosProgressEvent } from 'axios';
import { apiClient, getPage, getWithEtag, ifMatch, type Page } from '@/lib/api-client';
import { jobKeys, usePolledQuery } from '@/lib/jobs';
import type { Bundle, BundleQuery, DownloadLink, Evidence, EvidenceCreate, EvidenceOptions, EvidenceQuery, EvidenceUpload } from '../types';

export const evidenceKeys = {
  all: ['evidence'] as const,
  options: ['evidence', 'options'] as const,
  subject: (type: string, id: number) => ['evidence', 'subject', type, id] as const,
  bundles: ['evidence', 'bundles'] as const,
  bundle: (id: number) => ['evidence', 'bundles', 'detail', id] as const,
};

/** Statuses a file leaves by itself (the verification job is working). */
export function isVerifying(item: Pick<Evidence, 'status' | 'deleted_at'>): boolean {
  return item.status === 'verifying' && !item.deleted_at;
}

export const optionsQuery = queryOptions({
  queryKey: evidenceKeys.options,
  queryFn: async () => (await apiClient.get<EvidenceOptions>('/evidence/options')).data,
  staleTime: 10 * 60_000,
});

export function useEvidenceOptions() {
  return useQuery(optionsQuery);
}

export function listEvidence(query: EvidenceQuery): Promise<Page<Evidence>> {
  return getPage<Evidence>('/evidence', { ...query });
}

/** A record's files (newest first), asked again every few seconds while one is being verified. */
export function useSubjectEvidence(subjectType: string, subjectId: number, page = 1, pageSize = 20) {
  return usePolledQuery<Page<Evidence>>({
    queryKey: [...evidenceKeys.subject(subjectType, subjectId), page, pageSize],
    queryFn: () => listEvidence({ subject_type: subjectType, subject_id: subjectId, page, page_size: pageSize }),
    isDone: (result) => !result.items.some(isVerifying),
    interval: (elapsed) => (elapsed < 30_000 ? 1500 : 4000),
  });
}

export async function requestUpload(data: EvidenceCreate): Promise<EvidenceUpload> {
  return (await apiClient.post<EvidenceUpload>('/evidence', data, { silent: [409, 422] })).data;
}

export async function confirmUpload(id: number): Promise<Evidence> {
  return (await apiClient.post<Evidence>(`/evidence/${id}/confirm`, undefined, { silent: [409] })).data;
}

export async function fetchEvidence(id: number): Promise<Evidence> {
  return (await apiClient.get<Evidence>(`/evidence/${id}`)).data;
}

export type PutFile = (
  ticket: EvidenceUpload['upload'],
  file: Blob,
  onProgress: (loaded: number, total: number) => void,
  signal?: AbortSignal,
) => Promise<void>;

/**
 * PUT the bytes to the presigned URL, exactly with the signed headers. Not through the API client:
 * no cookies, no CSRF header, no base URL — the URL is the credential.
 */
export const putToStorage: PutFile = async (ticket, file, onProgress, signal) => {
  await axios.request({
    url: ticket.url,
    method: ticket.method || 'PUT',
    data: file,
    headers: { ...ticket.headers },
    withCredentials: false,
    timeout: 0,
    signal,
    transformRequest: [(body: unknown) => body],
    onUploadProgress: (event: AxiosProgressEvent) => onProgress(event.loaded, event.total ?? file.size),
  });
};

export async function downloadLink(id: number): Promise<DownloadLink> {
  return (await apiClient.get<DownloadLink>(`/evidence/${id}/download`)).data;
}

/** Hand a presigned GET (Content-Disposition: attachment) to the browser. */
export function openDownload(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export async function downloadEvidence(id: number): Promise<DownloadLink> {
  const link = await downloadLink(id);
  openDownload(link.url);
  return link;
}

/** Delete marks the file (the stored object stays for its retention period); needs the ETag. */
export async function deleteEvidence(id: number): Promise<void> {
  const { etag } = await getWithEtag<Evidence>(`/evidence/${id}`);
  await apiClient.delete(`/evidence/${id}`, { headers: ifMatch(etag) });
}

export function useDeleteEvidence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteEvidence,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: evidenceKeys.all }),
  });
}

// ---- bundles -----------------------------------------------------------------------------------

export function listBundles(query: BundleQuery): Promise<Page<Bundle>> {
  return getPage<Bundle>('/evidence/bundles', { ...query });
}

export async function requestBundle(data: { subject_type: string; subject_id: number }): Promise<Bundle> {
  return (await apiClient.post<Bundle>('/evidence/bundles', data)).data;
}

export async function fetchBundle(id: number): Promise<Bundle> {
  return (await apiClient.get<Bundle>(`/evidence/bundles/${id}`)).data;
}

export function isBundleBusy(bundle: Pick<Bundle, 'status'>): boolean {
  return bundle.status === 'queued' || bundle.status === 'running';
}

/** A bundle, polled until built; its `download_url` is short-lived, so fetch afresh to download. */
export function useBundle(id: number | null) {
  return usePolledQuery<Bundle>({
    queryKey: evidenceKeys.bundle(id ?? 0),
    queryFn: () => fetchBundle(id ?? 0),
    isDone: (bundle) => !isBundleBusy(bundle),
    enabled: typeof id === 'number' && id > 0,
  });
}

export function useRequestBundle() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: requestBundle,
    onSuccess: async (bundle) => {
      queryClient.setQueryData(evidenceKeys.bundle(bundle.id), bundle);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: evidenceKeys.bundles }),
        queryClient.invalidateQueries({ queryKey: jobKeys.all }),
      ]);
    },
  });
}

export async function downloadBundle(id: number): Promise<Bundle> {
  const bundle = await fetchBundle(id);
  if (bundle.download_url) openDownload(bundle.download_url);
  return bundle;
}
