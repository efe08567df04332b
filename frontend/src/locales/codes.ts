// English names of the API's codes (GET /codebook and the indicators send Chinese labels).
// Keys are `<codebook kind>.<code>`; zh-CN uses the server's label as it is.
import type { Locale } from './index';

/** English names of the API's codes (the server sends Chinese labels). `<codebook kind>.<code>`. */
export const codeLabelsEn: Readonly<Record<string, string>> = {
  'org_types.federation': 'Federation of trade unions',
  'org_types.township': 'Township / street union',
  'org_types.community': 'Village / community union',
  'org_types.industry': 'Industry union',
  'org_types.sector': 'Sector union federation',
  'org_types.regional_federation': 'Regional / trade federation',
  'org_types.grassroots': 'Grassroots union',
  'org_types.joint_grassroots': 'Joint grassroots union',
  'org_types.branch': 'Branch union',
  'org_types.group': 'Union group',
  'org_types.temporary': 'Temporary union (construction project)',
  'ownership_types.state_owned': 'State-owned',
  'ownership_types.collective': 'Collective',
  'ownership_types.private': 'Private',
  'ownership_types.foreign': 'Foreign-invested',
  'ownership_types.hk_macao_taiwan': 'HK / Macao / Taiwan-invested',
  'ownership_types.individual': 'Individual business',
  'ownership_types.agency': 'Government agency',
  'ownership_types.public_institution': 'Public institution',
  'ownership_types.social_org': 'Social organisation',
  'ownership_types.cooperative': 'Farmers’ cooperative',
  'union_statuses.founded': 'Own union',
  'union_statuses.covered_by_joint': 'Covered by a joint union',
  'union_statuses.not_founded': 'No union',
  'employment_types.regular': 'Regular',
  'employment_types.dispatched': 'Dispatched',
  'employment_types.migrant': 'Migrant worker',
  'employment_types.flexible': 'Flexible',
  'employment_types.retired': 'Retired',
  'member_card_statuses.not_collected': 'Not collected',
  'member_card_statuses.collected': 'Collected',
  'member_card_statuses.issued': 'Issued',
  'member_statuses.active': 'Active',
  'member_statuses.transferred_out': 'Transferred out',
  'member_statuses.lapsed': 'Lapsed',
  'cadre_posts.chair': 'Chair',
  'cadre_posts.vice_chair': 'Vice chair',
  'cadre_posts.committee_member': 'Committee member',
  'cadre_posts.branch_chair': 'Branch chair',
  'cadre_posts.group_leader': 'Group leader',
  'cadre_posts.full_time_cadre': 'Full-time cadre',
  'cadre_posts.audit_committee': 'Audit committee member',
  'cadre_posts.womens_committee': 'Women’s committee member',
  'cadre_posts.grid_head': 'Grid head',
  'cadre_posts.grid_worker': 'Grid worker',
  'genders.M': 'Male',
  'genders.F': 'Female',
};

/** The label to show for a code: the server's (Chinese) label, or its English name in en-US. */
export function codeLabel(locale: Locale, kind: string, code: string, serverLabel: string): string {
  if (locale === 'zh-CN') return serverLabel;
  return codeLabelsEn[`${kind}.${code}`] ?? serverLabel;
}
