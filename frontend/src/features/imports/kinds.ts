// What the import wizard needs to know about a kind of import. The wizard is generic over `kind`:
// a later domain (hardship file, condolence nominations) adds its entry here — the API `kind`, its
// labels, the permission that may import it, whether rows need a default org, where the imported
// records can be seen — and links to `/data/imports/new?kind=<kind>`.
import { paths } from '@/config/paths';
import type { AccessState } from '@/lib/access';
import type { TFunction } from '@/locales';
import type { ImportsMessageKey } from './locales';

export interface ImportKindConfig {
  /** The API's `kind` (POST /imports). */
  kind: string;
  /** What is imported, short: 会员 / 法人单位. */
  label: string;
  description: string;
  /** The permission that may import this kind (the API checks it too). */
  writePermission: string;
  /** Rows may name no org: the user can choose one for them. */
  defaultOrg?: {
    label: string;
    hint: string;
    /** Org types that can be chosen. */
    types?: readonly string[];
  };
  /** Where the imported records are listed ("查看会员"). */
  listPath?: string;
}

const MEMBER_ORG_TYPES = ['grassroots', 'joint_grassroots', 'branch', 'group', 'community', 'temporary'] as const;

export function builtInKinds(t: TFunction<ImportsMessageKey>): ImportKindConfig[] {
  return [
    {
      kind: 'members',
      label: t('imports.kind.members'),
      description: t('imports.kind.members.desc'),
      writePermission: 'members.write',
      defaultOrg: { label: t('imports.kind.members.org'), hint: t('imports.kind.members.orgHint'), types: MEMBER_ORG_TYPES },
      listPath: paths.members,
    },
    {
      kind: 'employers',
      label: t('imports.kind.employers'),
      description: t('imports.kind.employers.desc'),
      writePermission: 'employers.write',
      listPath: paths.employers,
    },
  ];
}

/** The kinds this user may import. */
export function allowedKinds(kinds: readonly ImportKindConfig[], access: Pick<AccessState, 'can'>): ImportKindConfig[] {
  return kinds.filter((k) => access.can(k.writePermission));
}

/** Every permission that lets a user import something (the route's access rule). */
export const IMPORT_PERMISSIONS = ['members.write', 'employers.write'] as const;

/** The largest file the wizard sends (the server has its own limits and says so). */
export const MAX_UPLOAD_MB = 100;
export const ACCEPTED_EXTENSIONS = ['.xlsx', '.xls', '.csv'] as const;
