// The campaign every workflow screen works on: `?campaign=<id>` in the URL (links and reloads keep
// it), defaulting to the newest campaign; a select in the page header switches it.
import { Select, Space, Tag, Typography } from 'antd';
import { useT } from '@/locales';
import { workflowMessages } from '../workflow-locales';
import { useCampaignParam } from './use-workflow-campaign';
import type { CampaignRef } from '../workflow-types';

const STATUS_COLORS: Record<string, string> = {
  draft: 'default',
  nominating: 'processing',
  reviewing: 'blue',
  frozen: 'purple',
  noticing: 'orange',
  paying: 'cyan',
  closed: 'green',
};

export function CampaignStatusTag({ campaign }: { campaign: Pick<CampaignRef, 'status' | 'status_label'> | undefined }) {
  if (!campaign) return null;
  return <Tag color={STATUS_COLORS[campaign.status] ?? 'default'}>{campaign.status_label}</Tag>;
}

export function CampaignPicker() {
  const t = useT(workflowMessages);
  const { campaignId, campaign, campaigns, loading, setCampaignId } = useCampaignParam();
  return (
    <Space size={8} wrap>
      <Typography.Text type="secondary">{t('cw.campaign')}</Typography.Text>
      <Select
        style={{ minWidth: 280 }}
        loading={loading}
        value={campaignId}
        placeholder={t('cw.campaign.none')}
        onChange={(id: number) => setCampaignId(id)}
        options={campaigns.map((c) => ({ value: c.id, label: c.name }))}
        data-testid="campaign-picker"
        showSearch
        optionFilterProp="label"
      />
      <CampaignStatusTag campaign={campaign} />
    </Space>
  );
}
