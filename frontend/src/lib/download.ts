// File downloads: API responses (the xlsx registration forms) and files built in the browser.
import { apiClient, isApiError, toApiError } from './api-client';

/** The file name of a `Content-Disposition` header: RFC 5987 `filename*` first, then `filename`. */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim() || fallback;
}

/** Hand a Blob to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** The smorest error inside a Blob answer (responseType 'blob' also applies to 4xx bodies). */
async function errorFromBlob(error: unknown): Promise<unknown> {
  if (!isApiError(error)) return error;
  const cause = error.cause as { response?: { data?: unknown; status?: number } } | undefined;
  const data = cause?.response?.data;
  if (!(data instanceof Blob)) return error;
  try {
    const text = await data.text();
    const payload = JSON.parse(text) as { message?: string };
    if (payload && typeof payload.message === 'string' && payload.message.trim()) {
      return Object.assign(toApiError(error.cause), { message: payload.message.trim() });
    }
  } catch {
    // not JSON: keep the generic message
  }
  return error;
}

/**
 * GET a file from the API and save it under the server's name. Errors are thrown (as ApiError with
 * the server's message when it sent one); the caller shows them.
 */
export async function downloadFromApi(
  url: string,
  params: Record<string, unknown> = {},
  fallbackName = 'download.xlsx',
): Promise<{ filename: string; rows: number | null }> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query[key] = value;
  }
  try {
    const response = await apiClient.get<Blob>(url, { params: query, responseType: 'blob', silent: true, timeout: 300_000 });
    const disposition = response.headers['content-disposition'] as string | undefined;
    const filename = filenameFromDisposition(disposition, fallbackName);
    saveBlob(response.data, filename);
    const rows = Number(response.headers['x-row-count']);
    return { filename, rows: Number.isFinite(rows) ? rows : null };
  } catch (error) {
    throw await errorFromBlob(error);
  }
}
