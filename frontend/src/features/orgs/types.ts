// Aliases over the types generated from the OpenAPI document (src/types/api.gen.ts).
import type { components, paths } from '@/types/api.gen';

type Schemas = components['schemas'];

export type Org = Schemas['Org'];
export type OrgCreate = Schemas['OrgCreate'];
/** PATCH bodies: any subset of the fields. */
export type OrgUpdate = Partial<Schemas['OrgUpdate']>;
export type OrgType = OrgCreate['org_type'];

export type Employer = Schemas['Employer'];
export type EmployerCreate = Schemas['EmployerCreate'];
export type EmployerUpdate = Partial<Schemas['EmployerUpdate']>;

export type Member = Schemas['Member'];
export type MemberCreate = Schemas['MemberCreate'];
export type MemberUpdate = Partial<Schemas['MemberUpdate']>;
export type IdNumberReveal = Schemas['IdNumberReveal'];

export type MemberTransfer = Schemas['MemberTransfer'];
export type MemberTransferCreate = Schemas['MemberTransferCreate'];

export type Cadre = Schemas['Cadre'];
export type CadreCreate = Schemas['CadreCreate'];
export type CadreUpdate = Partial<Schemas['CadreUpdate']>;

export type Codebook = Schemas['Codebook'];
export type CodeKind = keyof Codebook;

export type OrgQuery = NonNullable<paths['/api/v1/orgs']['get']['parameters']['query']>;
export type EmployerQuery = NonNullable<paths['/api/v1/employers']['get']['parameters']['query']>;
export type MemberQuery = NonNullable<paths['/api/v1/members']['get']['parameters']['query']>;
export type CadreQuery = NonNullable<paths['/api/v1/cadres']['get']['parameters']['query']>;
export type TransferQuery = NonNullable<paths['/api/v1/member-transfers']['get']['parameters']['query']>;

export type EmployerSort = NonNullable<EmployerQuery['sort']>;
export type MemberSort = NonNullable<MemberQuery['sort']>;

/** The four real-name registration forms (实名制登记表) the API writes as .xlsx. */
export type RegisterForm = 'org-register' | 'member-register' | 'cadre-register' | 'transfer-register';
