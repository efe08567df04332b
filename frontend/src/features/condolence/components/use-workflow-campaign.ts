// The campaign every workflow screen works on: `?campaign=<id>` in the URL (links and reloads keep it),
// defaulting to the newest campaign.
import { useEffect, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useCampaignList } from '../api/workflow';
import type { CampaignRef } from '../workflow-types';

export function useCampaignParam(): { campaignId: number | undefined; campaign: CampaignRef | undefined; campaigns: CampaignRef[]; loading: boolean; setCampaignId: (id: number) => void } {
  const [params, setParams] = useSearchParams();
  const list = useCampaignList();
  const campaigns = useMemo(() => list.data?.items ?? [], [list.data]);
  const raw = Number(params.get('campaign'));
  const fromUrl = Number.isInteger(raw) && raw > 0 ? raw : undefined;
  const campaignId = fromUrl ?? campaigns[0]?.id;
  const setCampaignId = (id: number) => {
    const next = new URLSearchParams(params);
    next.set('campaign', String(id));
    setParams(next, { replace: true });
  };
  useEffect(() => {
    if (!fromUrl && campaigns[0]) {
      const next = new URLSearchParams(params);
      next.set('campaign', String(campaigns[0].id));
      setParams(next, { replace: true });
    }
  }, [fromUrl, campaigns, params, setParams]);
  return { campaignId, campaign: campaigns.find((c) => c.id === campaignId), campaigns, loading: list.isLoading, setCampaignId };
}
