import { useAccess } from '@/lib/access';
import { useT } from '@/locales';
import { jobsMessages } from '../locales';

/** 我 / the user's name / 用户 #12 / 系统 for a job's `started_by`. */
export function StartedBy({ id, names }: { id: number | null; names: Map<number, string> }) {
  const t = useT(jobsMessages);
  const access = useAccess();
  if (id === null) return <>{t('jobs.system')}</>;
  if (id === access.me?.user.id) return <>{t('jobs.me')}</>;
  return <>{names.get(id) ?? t('jobs.user', { id })}</>;
}
