// 待上传 / 核验中 / 已核验 / 已拒收（原因）/ 疑似篡改 / 已删除.
import { LoadingOutlined } from '@ant-design/icons';
import { Space, Tag, Tooltip, Typography } from 'antd';
import { useT } from '@/locales';
import { evidenceMessages, type EvidenceMessageKey } from '../locales';
import type { Evidence } from '../types';

const COLOR: Record<string, string> = {
  pending_upload: 'default',
  verifying: 'processing',
  verified: 'success',
  rejected: 'error',
  tampered: 'error',
};

export function EvidenceStatus({ item, showReason = true }: { item: Pick<Evidence, 'status' | 'status_label' | 'status_reason' | 'deleted_at'>; showReason?: boolean }) {
  const t = useT(evidenceMessages);
  const status = item.deleted_at ? 'deleted' : item.status;
  const key = `evidence.status.${status}` as EvidenceMessageKey;
  const label = t(key) === key ? item.status_label : t(key);
  const tag = (
    <Tag color={COLOR[status] ?? 'default'} icon={status === 'verifying' ? <LoadingOutlined /> : undefined} data-testid="evidence-status" data-status={status}>
      {label}
    </Tag>
  );
  if (!item.status_reason || !showReason) return tag;
  return (
    <Space direction="vertical" size={0}>
      <Tooltip title={item.status_reason}>{tag}</Tooltip>
      <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="evidence-reason">
        {item.status_reason}
      </Typography.Text>
    </Space>
  );
}
