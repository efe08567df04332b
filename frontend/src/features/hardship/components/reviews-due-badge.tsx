// The side menu's 待复核 entry with the number of files due for review (overdue or due within the
// to-do window), so staff see the to-do list fill up from anywhere in the app, not only on the file list.
import type { ReactNode } from 'react';
import { Badge } from 'antd';
import { useReviewsDueSummary } from '../api/reports';

export function ReviewsDueBadge({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  // Refreshed every few minutes: a review recorded elsewhere invalidates the hardship queries anyway.
  const summary = useReviewsDueSummary({}, { enabled, refetchInterval: 5 * 60_000 });
  const due = enabled ? (summary.data?.total ?? 0) : 0;
  return (
    <Badge count={due} overflowCount={999} size="small" offset={[10, 0]} data-testid="menu-reviews-due">
      {children}
    </Badge>
  );
}
