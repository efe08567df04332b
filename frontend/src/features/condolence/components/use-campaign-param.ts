// The campaign a nominations/roster screen works on: `?campaign=ID` in the URL, else the newest.
import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import { useCampaignOptions } from '../api/roster';
import type { Campaign } from '../types';

export function useCampaignParam(): { campaignId: number | undefined; campaign: Campaign | undefined; loading: boolean } {
  const [params, setParams] = useSearchParams();
  const { data: campaigns, isLoading } = useCampaignOptions();
  const fromUrl = Number(params.get('campaign')) || undefined;
  const campaignId = fromUrl ?? campaigns?.[0]?.id;
  useEffect(() => {
    if (!fromUrl && campaignId) {
      const next = new URLSearchParams(params);
      next.set('campaign', String(campaignId));
      setParams(next, { replace: true });
    }
  }, [fromUrl, campaignId, params, setParams]);
  return { campaignId, campaign: campaigns?.find((c) => c.id === campaignId), loading: isLoading };
}

