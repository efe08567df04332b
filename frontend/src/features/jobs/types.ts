// Aliases over the types generated from the OpenAPI document (src/types/api.gen.ts).
import type { paths } from '@/types/api.gen';

export type { Job, JobStatus } from '@/lib/jobs';
export type JobQuery = NonNullable<paths['/api/v1/jobs']['get']['parameters']['query']>;
