// Route paths used outside the route table (redirects, links). The table in src/app/routes.tsx
// uses the same constants so a path is spelled once.
export const paths = {
  home: '/',
  login: '/login',
  tenants: '/tenants',
  dashboard: '/dashboard',
  orgTree: '/orgs/tree',
  employers: '/orgs/employers',
  members: '/orgs/members',
  cadres: '/orgs/cadres',
  transfers: '/orgs/transfers',
  users: '/system/users',
  auditLog: '/system/audit-log',
  hardshipHouseholds: '/hardship/households',
  hardshipReviews: '/hardship/reviews',
  hardshipReliefs: '/hardship/reliefs',
  hardshipDashboard: '/hardship/dashboard',
  hardshipPolicies: '/hardship/policies',
  condolenceCampaigns: '/condolence/campaigns',
  condolenceNominations: '/condolence/nominations',
  condolenceBatches: '/condolence/batches',
  condolenceRoster: '/condolence/roster',
  condolenceReview: '/condolence/review',
  condolenceBalancing: '/condolence/balancing',
  condolenceNotices: '/condolence/notices',
  condolenceVisits: '/condolence/visits',
  condolencePayments: '/condolence/payments',
  condolenceSummaries: '/condolence/summaries',
  imports: '/data/imports',
  importNew: '/data/imports/new',
  evidence: '/data/evidence',
  jobs: '/data/jobs',
} as const;

/** `/login?next=<current path>` so the user lands back where they were after signing in. */
export function loginPath(next?: string): string {
  if (!next || next === paths.login || next.startsWith(`${paths.login}?`) || next === '/') return paths.login;
  return `${paths.login}?next=${encodeURIComponent(next)}`;
}

/** Only same-origin absolute paths are followed after login (no open redirect). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return paths.home;
  if (next === paths.login || next.startsWith(`${paths.login}?`)) return paths.home;
  return next;
}
