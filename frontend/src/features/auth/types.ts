// Aliases over the types generated from the OpenAPI document (src/types/api.gen.ts).
import type { Me, MeUser } from '@/lib/access';
import type { components, paths } from '@/types/api.gen';

export type LoginPayload = components['schemas']['Login'];

/** The server answers a login with the same body as GET /me (older builds: just `{user}`). */
export type LoginResponse = { user: MeUser } & Partial<Omit<Me, 'user'>>;

export type PasswordChangePayload = components['schemas']['PasswordChange'];

export type User = components['schemas']['User'];
export type UserCreate = components['schemas']['UserCreate'];
export type UserUpdate = Partial<components['schemas']['UserUpdate']>;
export type TenantRole = UserCreate['role'];
export type UserQuery = NonNullable<paths['/api/v1/users']['get']['parameters']['query']>;

export type AuditLogEntry = components['schemas']['AuditLog'];
export type AuditLogQuery = NonNullable<paths['/api/v1/audit-log']['get']['parameters']['query']>;
