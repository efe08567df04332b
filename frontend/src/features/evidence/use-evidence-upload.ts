// Uploading evidence files to a record: for each file, SHA-256 in the browser → announce it
// (POST /evidence: the server checks type, size, quota and signs a PUT for exactly these bytes) →
// PUT straight to S3 with progress → confirm (POST /evidence/{id}/confirm starts the verification
// job). The record's file list then shows 核验中 until the job says 已核验 or 已拒收 (with why).
// Files go one after another, so hashing never holds more than one file's slices in memory.
import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { firstFieldMessage, isApiError } from '@/lib/api-client';
import { jobKeys } from '@/lib/jobs';
import { confirmUpload, evidenceKeys, type PutFile, putToStorage, requestUpload } from './api/evidence';
import { sha256File } from './sha256';
import type { Evidence, EvidenceOptions, EvidenceUpload } from './types';

export type UploadPhase = 'queued' | 'hashing' | 'requesting' | 'uploading' | 'confirming' | 'done' | 'error';

export interface UploadState {
  uid: string;
  name: string;
  size: number;
  phase: UploadPhase;
  /** 0–100 within the phase (hashing, uploading). */
  percent: number;
  error?: string;
  /** The evidence id once announced. */
  itemId?: number;
}

export interface UploadTarget {
  subjectType: string;
  subjectId: number;
  description?: string;
}

export interface UploadDeps {
  hash: (file: Blob, onProgress: (done: number, total: number) => void, signal?: AbortSignal) => Promise<string>;
  request: typeof requestUpload;
  put: PutFile;
  confirm: (id: number) => Promise<Evidence>;
}

export const defaultDeps: UploadDeps = {
  hash: (file, onProgress, signal) => sha256File(file, { onProgress, signal }),
  request: requestUpload,
  put: putToStorage,
  confirm: confirmUpload,
};

export type Messages = Record<'tooBig' | 'badType' | 'empty' | 'putFailed' | 'failed', string>;

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** Why the browser refuses a file before hashing it (the server checks again, by content too). */
export function fileRefusal(file: Pick<File, 'name' | 'size'>, options: EvidenceOptions | undefined, messages: Messages): string | null {
  if (file.size === 0) return messages.empty;
  if (!options) return null;
  if (file.size > options.max_file_bytes) return messages.tooBig;
  const ext = extensionOf(file.name);
  const allowed = options.allowed_types.flatMap((t) => t.extensions);
  if (allowed.length && !allowed.includes(ext)) return messages.badType;
  return null;
}

function errorText(error: unknown, fallback: string): string {
  if (isApiError(error)) {
    if (error.status === 422) return firstFieldMessage(error.errors) ?? error.message;
    return error.message;
  }
  return error instanceof Error && error.message ? error.message : fallback;
}

/**
 * One file through the whole flow, reporting each step through `update`. Resolves with the confirmed
 * item (status `verifying`), or throws after reporting the error.
 */
export async function uploadOne(
  file: File,
  target: UploadTarget,
  deps: UploadDeps,
  update: (patch: Partial<UploadState>) => void,
  messages: Messages,
  signal?: AbortSignal,
): Promise<Evidence> {
  let phase: UploadPhase = 'hashing';
  try {
    update({ phase, percent: 0 });
    const sha256 = await deps.hash(file, (done, total) => update({ percent: total ? Math.floor((100 * done) / total) : 100 }), signal);
    phase = 'requesting';
    update({ phase, percent: 0 });
    const announced: EvidenceUpload = await deps.request({
      subject_type: target.subjectType,
      subject_id: target.subjectId,
      filename: file.name,
      size: file.size,
      content_type: file.type || null,
      sha256,
      ...(target.description ? { description: target.description } : {}),
    });
    update({ itemId: announced.id });
    phase = 'uploading';
    update({ phase, percent: 0 });
    await deps.put(announced.upload, file, (loaded, total) => update({ percent: total ? Math.min(100, Math.floor((100 * loaded) / total)) : 0 }), signal);
    phase = 'confirming';
    update({ phase, percent: 100 });
    const confirmed = await deps.confirm(announced.id);
    update({ phase: 'done', percent: 100 });
    return confirmed;
  } catch (error) {
    const text = phase === 'uploading' && !isApiError(error) ? messages.putFailed : errorText(error, messages.failed);
    update({ phase: 'error', error: text });
    throw error;
  }
}

let nextUid = 0;

export function useEvidenceUpload(target: UploadTarget, messages: Messages, deps: UploadDeps = defaultDeps) {
  const queryClient = useQueryClient();
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const files = useRef(new Map<string, File>());
  const queue = useRef<Promise<void>>(Promise.resolve());
  const aborts = useRef(new Map<string, AbortController>());

  const patch = useCallback((uid: string, change: Partial<UploadState>) => {
    setUploads((list) => list.map((u) => (u.uid === uid ? { ...u, ...change } : u)));
  }, []);

  const run = useCallback(
    (uid: string) => {
      queue.current = queue.current.then(async () => {
        const file = files.current.get(uid);
        if (!file) return;
        const controller = new AbortController();
        aborts.current.set(uid, controller);
        try {
          await uploadOne(file, target, deps, (change) => patch(uid, change), messages, controller.signal);
          files.current.delete(uid);
          // The list shows the file from now on (核验中 → 已核验 / 已拒收).
          setUploads((list) => list.filter((u) => u.uid !== uid));
        } catch {
          // reported in the row; the user may retry or dismiss it
        } finally {
          aborts.current.delete(uid);
          await Promise.all([
            queryClient.invalidateQueries({ queryKey: evidenceKeys.all }),
            queryClient.invalidateQueries({ queryKey: jobKeys.all }),
          ]);
        }
      });
      return queue.current;
    },
    [deps, messages, patch, queryClient, target],
  );

  /** Queue files; those refused up front (`refuse`) show their reason and are not sent. */
  const add = useCallback(
    (list: File[], refuse?: (file: File) => string | null) => {
      const added: UploadState[] = [];
      for (const file of list) {
        nextUid += 1;
        const uid = `upload-${nextUid}`;
        const reason = refuse?.(file) ?? null;
        added.push({ uid, name: file.name, size: file.size, phase: reason ? 'error' : 'queued', percent: 0, ...(reason ? { error: reason } : {}) });
        if (!reason) files.current.set(uid, file);
      }
      setUploads((current) => [...current, ...added]);
      return Promise.all(added.filter((u) => u.phase === 'queued').map((u) => run(u.uid))).then(() => undefined);
    },
    [run],
  );

  const retry = useCallback(
    (uid: string) => {
      if (!files.current.has(uid)) return Promise.resolve();
      patch(uid, { phase: 'queued', percent: 0, error: undefined });
      return run(uid);
    },
    [patch, run],
  );

  const dismiss = useCallback((uid: string) => {
    aborts.current.get(uid)?.abort();
    files.current.delete(uid);
    setUploads((list) => list.filter((u) => u.uid !== uid));
  }, []);

  return { uploads, add, retry, dismiss };
}
