// Hand-written until src/types/api.gen.ts is generated from the OpenAPI document.

export type TenantStatus = 'active' | 'suspended';

/** A tenant is one county federation (县总工会). */
export interface Tenant {
  id: number;
  code: string;
  name: string;
  region_code: string;
  province?: string | null;
  city?: string | null;
  address?: string | null;
  contact_phone?: string | null;
  status: TenantStatus | (string & {});
  created_at?: string;
  updated_at?: string;
  version?: number;
}

export interface TenantQuery {
  page?: number;
  page_size?: number;
}
