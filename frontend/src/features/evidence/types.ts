// Aliases over the types generated from the OpenAPI document (src/types/api.gen.ts).
import type { components, paths } from '@/types/api.gen';

export type Evidence = components['schemas']['Evidence'];
export type EvidenceUpload = components['schemas']['EvidenceUpload'];
export type EvidenceCreate = components['schemas']['EvidenceCreate'];
export type EvidenceOptions = components['schemas']['EvidenceOptions'];
export type Bundle = components['schemas']['Bundle'];
export type DownloadLink = components['schemas']['DownloadLink'];
export type EvidenceQuery = NonNullable<paths['/api/v1/evidence']['get']['parameters']['query']>;
export type BundleQuery = NonNullable<paths['/api/v1/evidence/bundles']['get']['parameters']['query']>;
export type EvidenceStatus = NonNullable<EvidenceQuery['status']>;
