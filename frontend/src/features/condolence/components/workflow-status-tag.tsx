// Status tags of lines, notices and payments.
import { Tag } from 'antd';

const REVIEW_COLORS: Record<string, string> = {
  pending: 'default',
  grassroots_approved: 'blue',
  township_approved: 'geekblue',
  county_approved: 'green',
  rejected: 'red',
  returned: 'orange',
};
const CHECK_COLORS: Record<string, string> = {
  ok: 'green',
  pending: 'default',
  invalid: 'red',
  duplicate: 'volcano',
  ineligible: 'magenta',
  over_quota: 'orange',
  over_budget: 'gold',
};
const PAYMENT_COLORS: Record<string, string> = { unpaid: 'default', exported: 'processing', paid: 'green', failed: 'red', cancelled: 'default' };
const WINDOW_COLORS: Record<string, string> = { not_posted: 'default', scheduled: 'blue', open: 'orange', closed: 'green' };

export function StatusTag({ kind, value, label }: { kind: 'review' | 'check' | 'payment' | 'window'; value: string; label?: string | null }) {
  const colors = { review: REVIEW_COLORS, check: CHECK_COLORS, payment: PAYMENT_COLORS, window: WINDOW_COLORS }[kind];
  return (
    <Tag color={colors[value] ?? 'default'} style={{ marginInlineEnd: 0 }} data-status={value}>
      {label ?? value}
    </Tag>
  );
}
