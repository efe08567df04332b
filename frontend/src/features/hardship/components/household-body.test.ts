import { describe, expect, it } from 'vitest';
import { type FormValues, toBody } from './household-body';

const base: FormValues = {
  org_id: 7,
  source: 'nomination',
  head_name: '王建国',
  id_number: '410721198001010011',
  marital_status: 'married',
  category: 'ordinary',
  causes: ['schooling'],
  household_income: 2400.5,
  self_paid_medical: 0.29,
  members: [
    { name: '配偶', relation: 'spouse', monthly_income: 1000 },
    { id: 12, name: '孩子', relation: 'child', id_number_masked: '**************1234', school_stage: 'compulsory' },
  ],
};

describe('household form body', () => {
  it('sends yuan as integer fen and members with their kept ids', () => {
    const body = toBody(base, false);
    expect(body.household_income_fen).toBe(240050);
    expect(body.self_paid_medical_fen).toBe(29);
    expect(body.source).toBe('nomination');
    expect(body.members).toEqual([
      { name: '配偶', relation: 'spouse', monthly_income_fen: 100000 },
      { id: 12, name: '孩子', relation: 'child', school_stage: 'compulsory', monthly_income_fen: 0 },
    ]);
    expect(body).not.toHaveProperty('disaster_loss_fen');
  });

  it('clears optional fields on edit, never sends the source or an empty ID number', () => {
    const body = toBody({ ...base, id_number: '', mobile: '', remark: undefined }, true);
    expect(body).not.toHaveProperty('source');
    expect(body).not.toHaveProperty('id_number');
    expect(body.mobile).toBeNull();
    expect(body.remark).toBeNull();
  });
});
