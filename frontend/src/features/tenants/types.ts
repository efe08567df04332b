// Aliases over the types generated from the OpenAPI document (src/types/api.gen.ts).
import type { components, paths } from '@/types/api.gen';

export type TenantStatus = 'active' | 'suspended';

/** A tenant is one county federation (县总工会). */
export type Tenant = components['schemas']['Tenant'];

export type TenantQuery = NonNullable<paths['/api/v1/tenants']['get']['parameters']['query']>;
