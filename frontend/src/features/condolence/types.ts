// Aliases over the generated API types (src/types/api.gen.ts) for the roster screens.
import type { components } from '@/types/api.gen';

type Schemas = components['schemas'];

export type Campaign = Schemas['CondolenceCampaign'];
export type CampaignCreate = Schemas['CondolenceCampaignCreate'];
export type CampaignUpdate = Partial<Schemas['CondolenceCampaignUpdate']>;
export type CampaignCopy = Schemas['CondolenceCampaignCopy'];
export type CampaignCategory = Schemas['CondolenceCategory'];
export type CampaignQuota = Schemas['CondolenceQuota'];
export type CampaignRules = Schemas['CondolenceRules'];
export type Batch = Schemas['CondolenceBatch'];
export type Line = Schemas['CondolenceLine'];
export type LineCreate = Schemas['CondolenceLineCreate'];
export type Meta = Schemas['CondolenceMeta'];
export type MetaLabel = Schemas['CondolenceLabel'];

export interface CampaignQuery extends Record<string, unknown> {
  q?: string;
  festival?: string;
  year?: number;
  status?: string;
}

export interface LineQuery extends Record<string, unknown> {
  q?: string;
  check_status?: string;
  check_code?: string;
  review_status?: string;
  township_org_id?: number;
  org_id?: number;
  batch_id?: number;
  category_code?: string;
}

export interface BatchQuery extends Record<string, unknown> {
  org_id?: number;
  status?: string;
  source?: string;
}

/** What the roster job wrote on the campaign after its last judgement. */
export interface RosterSummary {
  lines: number;
  ok: number;
  ok_cash_fen: number;
  ok_goods_fen: number;
  by_status: Record<string, number>;
  by_code: Record<string, number>;
  by_township: { township_org_id: number | null; name: string | null; ok: number; total: number; cash_fen: number }[];
  by_category: { category_code: string | null; ok: number; cash_fen: number; goods_fen: number }[];
  batches_counted: number;
  batches_draft: number;
}
