// /imports: upload (multipart → the dry run starts), one batch (polled while its job works), commit,
// the list of past imports, the annotated workbook and the blank template.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient, getPage, type Page } from '@/lib/api-client';
import { downloadFromApi } from '@/lib/download';
import { jobKeys, usePolledQuery } from '@/lib/jobs';
import type { ImportBatch, ImportMode, ImportQuery } from '../types';
import { isBusy } from '../wizard-steps';

export const importKeys = {
  all: ['imports'] as const,
  detail: (id: number) => ['imports', 'detail', id] as const,
};

export function listImports(query: ImportQuery): Promise<Page<ImportBatch>> {
  return getPage<ImportBatch>('/imports', { ...query });
}

export async function fetchImport(id: number): Promise<ImportBatch> {
  return (await apiClient.get<ImportBatch>(`/imports/${id}`, { silent: [404] })).data;
}

/** One batch, asked again while its dry run or commit is working. */
export function useImportBatch(id: number | null | undefined) {
  return usePolledQuery<ImportBatch>({
    queryKey: importKeys.detail(id ?? 0),
    queryFn: () => fetchImport(id ?? 0),
    isDone: (batch) => !isBusy(batch.status),
    enabled: typeof id === 'number' && id > 0,
  });
}

export interface UploadArgs {
  kind: string;
  file: File;
  mode?: ImportMode;
  orgId?: number;
  onProgress?: (percent: number) => void;
}

export async function uploadImport({ kind, file, mode, orgId, onProgress }: UploadArgs): Promise<ImportBatch> {
  const form = new FormData();
  form.append('kind', kind);
  if (mode) form.append('mode', mode);
  if (orgId !== undefined) form.append('org_id', String(orgId));
  form.append('file', file, file.name);
  const response = await apiClient.post<ImportBatch>('/imports', form, {
    silent: [422],
    timeout: 15 * 60_000,
    onUploadProgress: (event) => {
      if (onProgress && event.total) onProgress(Math.min(100, Math.round((100 * event.loaded) / event.total)));
    },
  });
  return response.data;
}

export async function commitImport({ id, mode }: { id: number; mode: ImportMode }): Promise<ImportBatch> {
  return (await apiClient.post<ImportBatch>(`/imports/${id}/commit`, { mode })).data;
}

function useImportMutation<V>(fn: (variables: V) => Promise<ImportBatch>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (batch) => {
      queryClient.setQueryData(importKeys.detail(batch.id), batch);
      // A job started: the header's running-jobs badge and the job centre should know at once.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: importKeys.all, predicate: (q) => q.queryKey[1] !== 'detail' }),
        queryClient.invalidateQueries({ queryKey: jobKeys.all }),
      ]);
    },
  });
}

export const useUploadImport = () => useImportMutation(uploadImport);
export const useCommitImport = () => useImportMutation(commitImport);

/** `annotated_url` is absolute (/api/v1/…); the API client's base already holds /api/v1. */
export function apiPath(url: string): string {
  return url.replace(/^\/api\/v1(?=\/)/, '');
}

export function downloadAnnotated(batch: Pick<ImportBatch, 'id' | 'annotated_url'>) {
  return downloadFromApi(apiPath(batch.annotated_url ?? `/imports/${batch.id}/annotated.xlsx`), {}, `import-${batch.id}-errors.xlsx`);
}

export function downloadTemplate(kind: string) {
  return downloadFromApi('/imports/template.xlsx', { kind }, `import-template-${kind}.xlsx`);
}
