// One line's review history (its own decisions, its batch's, the county's freeze) in a drawer.
import { Descriptions, Drawer, Empty, Timeline, Typography } from 'antd';
import { useT } from '@/locales';
import { useLineHistory } from '../api/workflow';
import { workflowMessages } from '../workflow-locales';
import type { WorkflowLine } from '../workflow-types';
import { formatYuan } from './workflow-money';
import { StatusTag } from './workflow-status-tag';

const ACTION_COLORS: Record<string, string> = { approve: 'green', reject: 'red', return: 'orange', correct: 'blue', freeze: 'purple' };

export function LineHistoryDrawer({ line, onClose }: { line: WorkflowLine | null; onClose: () => void }) {
  const t = useT(workflowMessages);
  const history = useLineHistory(line?.id);
  return (
    <Drawer open={!!line} onClose={onClose} width={520} title={line ? `${line.name}（${line.id_number_masked ?? ''}）` : ''}
      data-testid="line-history">
      {line ? (
        <>
          <Descriptions size="small" column={2} bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('cw.field.org')} span={2}>{line.org_name}</Descriptions.Item>
            <Descriptions.Item label={t('cw.field.category')}>{line.category_name}</Descriptions.Item>
            <Descriptions.Item label={t('cw.field.money')}>{formatYuan(line.cash_fen)} / {formatYuan(line.goods_fen)}</Descriptions.Item>
            <Descriptions.Item label={t('cw.field.check')}>
              <StatusTag kind="check" value={line.check_status} label={line.check_status_label} />
            </Descriptions.Item>
            <Descriptions.Item label={t('cw.field.review')}>
              <StatusTag kind="review" value={line.review_status} label={line.review_status_label} />
            </Descriptions.Item>
            {line.check_reason ? <Descriptions.Item label={t('cw.field.checkReason')} span={2}>{line.check_reason}</Descriptions.Item> : null}
            {line.reason ? <Descriptions.Item label={t('cw.field.reason')} span={2}>{line.reason}</Descriptions.Item> : null}
          </Descriptions>
          <Typography.Title level={5}>{t('cw.history.title')}</Typography.Title>
          {history.data && history.data.length ? (
            <Timeline
              items={history.data.map((h) => ({
                color: ACTION_COLORS[h.action] ?? 'gray',
                children: (
                  <div data-testid="history-item">
                    <Typography.Text strong>{h.level_label} · {h.action_label}</Typography.Text>
                    {h.scope !== 'line' ? <Typography.Text type="secondary">（{t(`cw.scope.${h.scope}` as 'cw.scope.batch')}）</Typography.Text> : null}
                    <div>
                      <Typography.Text type="secondary">{h.actor_name} · {h.created_at.slice(0, 16).replace('T', ' ')}</Typography.Text>
                    </div>
                    {h.comment ? <div>{h.comment}</div> : null}
                  </div>
                ),
              }))}
            />
          ) : (
            <Empty description={t('cw.history.empty')} />
          )}
        </>
      ) : null}
    </Drawer>
  );
}
