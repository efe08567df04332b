// How a refused request is explained to the user (the server's Chinese message, and per-line reasons).
import { isApiError } from '@/lib/api-client';

/** The server's message, plus the per-line reasons of a refused list (`errors.lines`). */
export function explain(error: unknown): string {
  if (!isApiError(error)) return String(error);
  const lines = (error.errors as { lines?: Record<string, string> } | undefined)?.lines;
  if (lines && Object.keys(lines).length > 1) {
    return `${error.message}（${Object.values(lines).slice(0, 5).join('；')}）`;
  }
  return error.message;
}
