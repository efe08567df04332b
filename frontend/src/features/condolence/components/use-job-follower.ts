// Follows the job of a notice / payment batch this page just asked for (see preparing-tag.tsx).
import { useCallback, useEffect, useRef, useState } from 'react';
import { isJobActive, type Job, useJob } from '@/lib/jobs';

/**
 * Follows the job of an object this page just asked for (even before, or without, its row showing a
 * PreparingTag: a small one is ready before the list reloads) and calls `onDone` once per job — also
 * when a PreparingTag reports the same job through `finish`.
 */
export function useJobFollower(onDone: (job: Job) => void) {
  const [jobId, setJobId] = useState<number | null>(null);
  const handled = useRef(new Set<number>());
  const job = useJob(jobId);
  const finish = useCallback((j: Job) => {
    if (handled.current.has(j.id)) return;
    handled.current.add(j.id);
    onDone(j);
  }, [onDone]);
  useEffect(() => {
    const j = job.data;
    if (!j || j.id !== jobId || isJobActive(j)) return;
    finish(j);
  }, [job.data, jobId, finish]);
  return { follow: setJobId, finish };
}
