// The one place that reads build-time environment (import.meta.env).
export const env = {
  apiBaseUrl: import.meta.env.VITE_API_BASE_URL || '/api/v1',
  /** Where the Flask app serves the interactive OpenAPI docs and the raw document. */
  apiDocsUrl: '/api/docs',
  openApiUrl: '/api/openapi.json',
} as const;
