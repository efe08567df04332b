// The campaign picker of the nominations and roster screens (it writes `?campaign=ID`).
import { Select, Space, Tag, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { useT } from '@/locales';
import { useCampaignOptions } from '../api/roster';
import { CAMPAIGN_STATUS_COLOR } from './format';
import { rosterMessages } from '../locales';

export function CampaignPicker({ value }: { value: number | undefined }) {
  const t = useT(rosterMessages);
  const [params, setParams] = useSearchParams();
  const { data: campaigns, isLoading } = useCampaignOptions();
  return (
    <Space>
      <Typography.Text type="secondary">{t('roster.campaign')}</Typography.Text>
      <Select
        data-testid="campaign-picker"
        style={{ minWidth: 320 }}
        loading={isLoading}
        value={value}
        placeholder={t('roster.pickCampaign')}
        notFoundContent={t('roster.noCampaign')}
        options={(campaigns ?? []).map((c) => ({
          value: c.id,
          label: (
            <Space>
              {c.name}
              <Tag color={CAMPAIGN_STATUS_COLOR[c.status] ?? 'default'}>{c.status_label}</Tag>
            </Space>
          ),
        }))}
        onChange={(id: number) => {
          const next = new URLSearchParams();
          next.set('campaign', String(id));
          setParams(next);
          void params;
        }}
      />
    </Space>
  );
}
