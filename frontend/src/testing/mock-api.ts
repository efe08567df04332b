// Replace the axios adapter of `apiClient` with a table of handlers, so tests run the real
// interceptors (CSRF header, error mapping) without a server. Unmatched requests fail loudly.
import { AxiosError, AxiosHeaders, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { apiClient } from '@/lib/api-client';

export interface MockRequest {
  method: string;
  url: string;
  headers: AxiosHeaders;
  params: unknown;
  body: unknown;
  config: InternalAxiosRequestConfig;
}

export interface MockReply {
  status?: number;
  data?: unknown;
  headers?: Record<string, string>;
  /** Runs when the reply is sent (e.g. to set a cookie like the server would). */
  sideEffect?: () => void;
}

type Handler = (request: MockRequest) => MockReply | Promise<MockReply>;

export interface MockApi {
  on(method: string, url: string, handler: Handler | MockReply): MockApi;
  /** Every request seen, in order. */
  calls: MockRequest[];
  restore(): void;
}

export function mockApi(): MockApi {
  const original = apiClient.defaults.adapter;
  const handlers = new Map<string, Handler>();
  const calls: MockRequest[] = [];

  const adapter: AxiosAdapter = async (config) => {
    const method = (config.method ?? 'get').toUpperCase();
    const url = config.url ?? '';
    const body: unknown = typeof config.data === 'string' && config.data ? JSON.parse(config.data) : config.data;
    const request: MockRequest = { method, url, headers: AxiosHeaders.from(config.headers), params: config.params, body, config };
    calls.push(request);
    const handler = handlers.get(`${method} ${url}`);
    if (!handler) throw new Error(`mockApi: no handler for ${method} ${url}`);
    const reply = await handler(request);
    reply.sideEffect?.();
    const response: AxiosResponse = {
      data: reply.data ?? null,
      status: reply.status ?? 200,
      statusText: String(reply.status ?? 200),
      headers: new AxiosHeaders(reply.headers ?? {}),
      config,
      request: {},
    };
    const validate = config.validateStatus ?? ((status: number) => status >= 200 && status < 300);
    if (validate(response.status)) return response;
    throw new AxiosError(
      `Request failed with status code ${response.status}`,
      response.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
      config,
      {},
      response,
    );
  };
  apiClient.defaults.adapter = adapter;

  const api: MockApi = {
    calls,
    on(method, url, handler) {
      handlers.set(`${method.toUpperCase()} ${url}`, typeof handler === 'function' ? handler : () => handler);
      return api;
    },
    restore() {
      apiClient.defaults.adapter = original;
    },
  };
  return api;
}
