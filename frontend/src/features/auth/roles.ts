import type { TenantRole } from './types';

/** The roles a county's user admin can give (the platform admin is not one of them). */
export const TENANT_ROLES: TenantRole[] = ['federation_admin', 'org_staff', 'grassroots_chair', 'grid_officer', 'auditor', 'judge'];
