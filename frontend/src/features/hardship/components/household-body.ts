// The application form's values → the API body: yuan typed → integer fen, members with the ids of
// listed members kept (their stored ID numbers stay), optional fields cleared with null on edit.
import type { HouseholdMemberInput } from '../types';
import { yuanToFen } from './money';

export interface MemberValues {
  id?: number;
  name: string;
  relation: string;
  id_number?: string;
  id_number_masked?: string | null;
  marital_status?: string;
  health?: string;
  school_stage?: string;
  monthly_income?: number;
}

export interface FormValues {
  org_id?: number;
  source?: 'application' | 'nomination';
  head_name: string;
  id_number?: string;
  mobile?: string;
  address?: string;
  employer_name?: string;
  employment_status?: string;
  stable_employment_since?: string;
  marital_status: string;
  head_health?: string;
  category: string;
  causes: string[];
  household_income?: number;
  self_paid_medical?: number;
  disaster_loss?: number;
  claimed_rule?: string;
  bank_card?: string;
  bank_name?: string;
  remark?: string;
  members?: MemberValues[];
}

export const MONEY_FIELDS: Record<string, keyof FormValues> = {
  household_income_fen: 'household_income',
  self_paid_medical_fen: 'self_paid_medical',
  disaster_loss_fen: 'disaster_loss',
};
/** API field → form field, for errors (the per-capita income and the size are derived from these). */
export const API_TO_FORM: Record<string, string> = {
  ...MONEY_FIELDS,
  per_capita_income_fen: 'household_income',
  household_size: 'members',
};

function memberBody(m: MemberValues): HouseholdMemberInput {
  const body: HouseholdMemberInput = { name: m.name, relation: m.relation as HouseholdMemberInput['relation'] };
  if (m.id !== undefined) body.id = m.id;
  if (m.id_number) body.id_number = m.id_number;
  if (m.marital_status) body.marital_status = m.marital_status as HouseholdMemberInput['marital_status'];
  if (m.health) body.health = m.health as HouseholdMemberInput['health'];
  if (m.school_stage) body.school_stage = m.school_stage as HouseholdMemberInput['school_stage'];
  body.monthly_income_fen = yuanToFen(m.monthly_income) ?? 0;
  return body;
}

export function toBody(values: FormValues, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const plain: (keyof FormValues)[] = [
    'org_id', 'head_name', 'mobile', 'address', 'employer_name', 'employment_status', 'stable_employment_since',
    'marital_status', 'head_health', 'category', 'causes', 'claimed_rule', 'bank_name', 'remark',
  ];
  for (const key of plain) {
    const value = values[key];
    if (value === undefined || value === '') {
      if (editing && ['mobile', 'address', 'employer_name', 'stable_employment_since', 'claimed_rule', 'bank_name', 'remark'].includes(key)) {
        body[key] = null;
      }
      continue;
    }
    body[key] = value;
  }
  if (!editing && values.source) body.source = values.source;
  if (values.id_number) body.id_number = values.id_number;
  if (values.bank_card) body.bank_card = values.bank_card;
  for (const [apiKey, formKey] of Object.entries(MONEY_FIELDS)) {
    const fen = yuanToFen(values[formKey] as number | undefined);
    if (fen !== undefined) body[apiKey] = fen;
  }
  body.members = (values.members ?? []).map(memberBody);
  return body;
}
