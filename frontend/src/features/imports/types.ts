// Aliases over the types generated from the OpenAPI document (src/types/api.gen.ts).
import type { components, paths } from '@/types/api.gen';

export type ImportBatch = components['schemas']['Import'];
export type ImportIssue = components['schemas']['ImportIssue'];
export type ImportMode = components['schemas']['ImportCommit']['mode'];
export type ImportQuery = NonNullable<paths['/api/v1/imports']['get']['parameters']['query']>;

export type ImportStatus =
  | 'pending'
  | 'validating'
  | 'validated'
  | 'invalid'
  | 'committing'
  | 'committed'
  | 'rejected'
  | 'failed'
  | 'cancelled';
