// The one HTTP client of the SPA. Every request to the Flask API goes through `apiClient`.
//
// - baseURL /api/v1, cookies sent (session cookie is httpOnly; nothing is stored in JS).
// - CSRF double submit: the server sets a readable `csrf_token` cookie; unsafe methods echo it in
//   the `X-CSRF-Token` header. If there is no cookie yet, GET /auth/csrf is called first.
// - Errors in flask-smorest's shape `{code, status, message, errors}` become an `ApiError` and, unless
//   the request is `silent`, an antd message. 401 sends the user to the login page.
import axios, { AxiosError, AxiosHeaders, type AxiosRequestConfig, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { message as staticMessage } from 'antd';
import { env } from '@/config/env';
import { loginPath, paths } from '@/config/paths';
import { translate, type MessageKey } from '@/locales';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Do not show the global error message: `true` for every error, or a list of HTTP statuses
     * the caller handles itself (e.g. `[422]` for a form that shows field errors).
     */
    silent?: boolean | number[];
    /** Do not redirect to the login page on 401 (login itself, the session probe). */
    skipAuthRedirect?: boolean;
  }
}

export const CSRF_COOKIE_NAME = 'csrf_token';
export const CSRF_HEADER_NAME = 'X-CSRF-Token';
const CSRF_PATH = '/auth/csrf';
const UNSAFE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** The error payload flask-smorest (and our core/errors.py) sends for every 4xx/5xx. */
export interface ApiErrorPayload {
  code?: number;
  status?: string;
  message?: string;
  /** 422: `{json: {field: [messages]}}`, `{query: {...}}`; nested schemas nest the same way. */
  errors?: Record<string, unknown>;
}

export class ApiError extends Error {
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  readonly status: number;
  readonly code?: number;
  readonly payload?: ApiErrorPayload;
  readonly errors?: Record<string, unknown>;
  /** Message that came from the server (usually Chinese), if it said anything specific. */
  readonly serverMessage?: string;

  constructor(message: string, init: { status: number; payload?: ApiErrorPayload; serverMessage?: string; cause?: unknown }) {
    super(message, { cause: init.cause });
    this.name = 'ApiError';
    this.status = init.status;
    this.payload = init.payload;
    this.code = init.payload?.code;
    this.errors = init.payload?.errors;
    this.serverMessage = init.serverMessage;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

// ---------------------------------------------------------------------------------------------
// CSRF

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie ? document.cookie.split(';') : []) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (key === name) {
      const value = eq < 0 ? '' : part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return null;
}

// The token from the last GET /auth/csrf, used only when the cookie cannot be read.
let lastIssuedToken: string | null = null;
let pendingToken: Promise<string> | null = null;

/** Ask the server for a CSRF token (it also sets the cookie). Concurrent callers share one request. */
export function fetchCsrfToken(): Promise<string> {
  pendingToken ??= apiClient
    .get<{ csrf_token: string }>(CSRF_PATH, { silent: true, skipAuthRedirect: true })
    .then((response) => {
      lastIssuedToken = response.data.csrf_token;
      return readCookie(CSRF_COOKIE_NAME) ?? response.data.csrf_token;
    })
    .finally(() => {
      pendingToken = null;
    });
  return pendingToken;
}

/** The token to echo: the cookie's (what the server compares against), else a fresh one. */
export async function ensureCsrfToken(): Promise<string> {
  return readCookie(CSRF_COOKIE_NAME) ?? lastIssuedToken ?? (await fetchCsrfToken());
}

// ---------------------------------------------------------------------------------------------
// Error presentation (pluggable so the app can use App.useApp()'s themed message instance)

export type ErrorNotifier = (text: string) => void;
export type UnauthorizedHandler = (error: ApiError) => void;

let notify: ErrorNotifier = (text) => {
  void staticMessage.error({ content: text, key: text });
};

function defaultUnauthorized(): void {
  if (typeof window === 'undefined') return;
  const { pathname, search } = window.location;
  if (pathname === paths.login) return;
  window.location.assign(loginPath(pathname + search));
}
let onUnauthorized: UnauthorizedHandler = defaultUnauthorized;

export function setErrorNotifier(fn: ErrorNotifier | null): void {
  notify = fn ?? ((text) => void staticMessage.error({ content: text, key: text }));
}

export function setUnauthorizedHandler(fn: UnauthorizedHandler | null): void {
  onUnauthorized = fn ?? defaultUnauthorized;
}

// smorest fills `message` with the bare HTTP reason phrase when the code gave none; those are
// replaced by a localized sentence, anything else the server said is shown as is.
const REASON_PHRASES = new Set([
  'Bad Request', 'Unauthorized', 'Forbidden', 'Not Found', 'Method Not Allowed', 'Conflict',
  'Precondition Failed', 'Unprocessable Entity', 'Unprocessable Content', 'Precondition Required',
  'Too Many Requests', 'Internal Server Error', 'Bad Gateway', 'Service Unavailable', 'Gateway Timeout',
]);

function fallbackKey(status: number): MessageKey {
  if (status >= 500) return 'error.5xx';
  switch (status) {
    case 400: return 'error.400';
    case 401: return 'error.401';
    case 403: return 'error.403';
    case 404: return 'error.404';
    case 409: return 'error.409';
    case 412: return 'error.412';
    case 422: return 'error.validation';
    case 428: return 'error.428';
    case 429: return 'error.429';
    default: return 'error.unknown';
  }
}

/** First human message found in a (possibly nested) smorest `errors` object. */
export function firstFieldMessage(errors: unknown): string | undefined {
  if (typeof errors === 'string') return errors;
  if (Array.isArray(errors)) {
    for (const item of errors) {
      const found = firstFieldMessage(item);
      if (found) return found;
    }
    return undefined;
  }
  if (errors && typeof errors === 'object') {
    for (const value of Object.values(errors)) {
      const found = firstFieldMessage(value);
      if (found) return found;
    }
  }
  return undefined;
}

function isPayload(data: unknown): data is ApiErrorPayload {
  return !!data && typeof data === 'object' && !Array.isArray(data);
}

/** Turn anything axios rejects with into an ApiError with a message fit to show a user. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (axios.isAxiosError(error)) {
    const response = error.response;
    if (!response) {
      const timedOut = error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT;
      return new ApiError(translate(timedOut ? 'error.timeout' : 'error.network'), { status: 0, cause: error });
    }
    const payload = isPayload(response.data) ? response.data : undefined;
    const raw = typeof payload?.message === 'string' ? payload.message.trim() : '';
    const serverMessage = raw && !REASON_PHRASES.has(raw) ? raw : undefined;
    let text = serverMessage ?? translate(fallbackKey(response.status));
    if (response.status === 422 && !serverMessage) {
      const field = firstFieldMessage(payload?.errors);
      if (field) text = `${translate('error.validation')}${translate('common.colon')}${field}`;
    }
    return new ApiError(text, { status: response.status, payload, serverMessage, cause: error });
  }
  const text = error instanceof Error && error.message ? error.message : translate('error.unknown');
  return new ApiError(text, { status: 0, cause: error });
}

function isSilent(config: InternalAxiosRequestConfig | undefined, status: number): boolean {
  const silent = config?.silent;
  if (Array.isArray(silent)) return silent.includes(status);
  return silent === true;
}

// ---------------------------------------------------------------------------------------------
// The instance

export const apiClient = axios.create({
  baseURL: env.apiBaseUrl,
  withCredentials: true,
  timeout: 60_000,
  headers: { Accept: 'application/json' },
  // axios' own XSRF handling is off: the interceptor below sends our header on unsafe methods only.
  withXSRFToken: false,
});

apiClient.interceptors.request.use(async (config) => {
  const method = (config.method ?? 'get').toLowerCase();
  if (UNSAFE_METHODS.has(method)) {
    const token = await ensureCsrfToken();
    const headers = AxiosHeaders.from(config.headers);
    headers.set(CSRF_HEADER_NAME, token);
    config.headers = headers;
  }
  return config;
});

apiClient.interceptors.response.use(
  (response) => response,
  (error: unknown) => {
    const apiError = toApiError(error);
    const config = axios.isAxiosError(error) ? error.config : undefined;
    if (apiError.status === 401 && !config?.skipAuthRedirect) {
      onUnauthorized(apiError);
    } else if (!isSilent(config, apiError.status)) {
      notify(apiError.message);
    }
    return Promise.reject(apiError);
  },
);

// ---------------------------------------------------------------------------------------------
// Pagination (flask-smorest `X-Pagination` header)

export interface PaginationMeta {
  total: number;
  /** Past ~10,000 matching rows the server gives the planner's estimate instead of an exact count. */
  total_is_estimate?: boolean;
  total_pages?: number;
  first_page?: number;
  last_page?: number;
  page?: number;
  previous_page?: number;
  next_page?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  /** `total` is the database's estimate (large lists), not an exact count. */
  estimated?: boolean;
  page: number;
  pageSize: number;
}

export interface PageParams {
  page?: number;
  page_size?: number;
  [filter: string]: unknown;
}

export function readPagination(response: Pick<AxiosResponse, 'headers'>, fallbackTotal: number): PaginationMeta {
  const raw: unknown = response.headers['x-pagination'];
  if (typeof raw === 'string' && raw) {
    try {
      const parsed = JSON.parse(raw) as Partial<PaginationMeta>;
      if (typeof parsed.total === 'number') return { ...parsed, total: parsed.total };
    } catch {
      // Malformed header: fall through to the length of the page.
    }
  }
  return { total: fallbackTotal };
}

/** GET a paginated list: the body is the array, the total comes from `X-Pagination`. */
export async function getPage<T>(url: string, params: PageParams = {}): Promise<Page<T>> {
  const page = params.page ?? 1;
  const pageSize = params.page_size ?? 20;
  const query: Record<string, unknown> = {};
  const all: Record<string, unknown> = { ...params, page, page_size: pageSize };
  for (const [key, value] of Object.entries(all)) {
    if (value !== undefined && value !== null && value !== '') query[key] = value;
  }
  const response = await apiClient.get<T[]>(url, { params: query });
  const meta = readPagination(response, response.data.length);
  return { items: response.data, total: meta.total, page, pageSize, ...(meta.total_is_estimate ? { estimated: true } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Optimistic concurrency (flask-smorest ETags): GET answers with `ETag`, PATCH/DELETE send it back
// in `If-Match`; a stale one gets 412 ("该记录已被他人修改，请刷新后重试"), a missing one 428.

export interface WithEtag<T> {
  data: T;
  /** The `ETag` response header, verbatim (quotes included), or null when the server sent none. */
  etag: string | null;
}

export async function getWithEtag<T>(url: string, config: AxiosRequestConfig = {}): Promise<WithEtag<T>> {
  const response = await apiClient.get<T>(url, config);
  const raw: unknown = response.headers.etag;
  return { data: response.data, etag: typeof raw === 'string' && raw ? raw : null };
}

/** Headers for a conditional update or delete. */
export function ifMatch(etag: string | null | undefined): Record<string, string> {
  return etag ? { 'If-Match': etag } : {};
}
