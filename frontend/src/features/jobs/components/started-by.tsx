import { useAccess } from '@/lib/access';
import { useT } from '@/locales';
import { jobsMessages } from '../locales';

/** 我 / the user's name / 用户 #12 / 系统 for a job's `started_by` (`name`: the API's `started_by_name`). */
export function StartedBy({ id, name, names }: { id: number | null; name?: string | null; names: Map<number, string> }) {
  const t = useT(jobsMessages);
  const access = useAccess();
  if (id === null) return <>{t('jobs.system')}</>;
  if (id === access.me?.user.id) return <>{t('jobs.me')}</>;
  return <>{name ?? names.get(id) ?? t('jobs.user', { id })}</>;
}
