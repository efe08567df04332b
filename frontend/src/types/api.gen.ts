/**
 * GENERATED FILE — DO NOT EDIT.
 *
 * `make openapi` will write this file from the backend's OpenAPI document (`flask openapi write`
 * followed by `openapi-typescript`), and CI will fail when it is stale.
 *
 * Until the generator is wired up, each feature declares the shapes it needs by hand in its own
 * `types.ts`; those will become aliases such as
 * `export type Tenant = components['schemas']['Tenant']`.
 */
export {};
