/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of the JSON API; the Flask app serves it at /api/v1 on the same origin. */
  readonly VITE_API_BASE_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
