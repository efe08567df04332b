// The status of a file as a coloured tag, and the review state (overdue / due soon / exit recommended).
import { Space, Tag } from 'antd';
import dayjs from 'dayjs';
import { useT } from '@/locales';
import { hardshipMessages } from '../locales';
import type { Household } from '../types';
import { useHardshipCodes } from './codes';

const STATUS_COLOR: Record<string, string> = {
  candidate: 'gold',
  verified: 'blue',
  filed: 'red',
  exited: 'green',
  rejected: 'default',
};

export function StatusTag({ status }: { status: string }) {
  const codes = useHardshipCodes();
  return (
    <Tag color={STATUS_COLOR[status] ?? 'default'} data-testid="household-status">
      {codes.label('statuses', status)}
    </Tag>
  );
}

/** Due within this many days counts as "due soon" (the policy's default reminder window). */
export const DUE_SOON_DAYS = 30;

export function ReviewTags({ household }: { household: Pick<Household, 'status' | 'review_overdue' | 'next_review_due' | 'exit_recommended'> }) {
  const t = useT(hardshipMessages);
  if (household.status !== 'filed') return null;
  const dueSoon =
    !household.review_overdue &&
    household.next_review_due !== null &&
    dayjs(household.next_review_due).diff(dayjs().startOf('day'), 'day') <= DUE_SOON_DAYS;
  return (
    <Space size={4} wrap>
      {household.review_overdue ? <Tag color="error">{t('hardship.tag.overdue')}</Tag> : null}
      {dueSoon ? <Tag color="warning">{t('hardship.tag.dueSoon')}</Tag> : null}
      {household.exit_recommended ? <Tag color="purple">{t('hardship.tag.exitRecommended')}</Tag> : null}
    </Space>
  );
}
