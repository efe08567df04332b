import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '@/testing/render';
import { formatRate, rateNumber } from '../api/indicators';
import type { IndicatorBlock } from '../types';
import { IndicatorCards } from './indicator-cards';

const totals: IndicatorBlock = {
  founding_25_plus: { total: 11, founded: 10, founded_single: 10, covered_by_joint: 0, not_founded: 1, rate: '90.91' },
  founding_all: { total: 60, founded: 23, founded_single: 11, covered_by_joint: 12, not_founded: 37, rate: '38.33' },
  membership: { members: 200, unionised_staff: 1810, rate: '11.05' },
  migrant_members: { count: 47, share: '23.50' },
  female_members: { count: 88, share: '44.00' },
  cadres: { total: 127, full_time: 19, part_time: 108, by_post: [] },
  orgs: { total: 31, by_type: [], reelection_overdue: 5 },
};

describe('indicators', () => {
  it('formats the API’s percentage strings; no denominator reads as a dash', () => {
    expect(rateNumber('95.24')).toBe(95.24);
    expect(rateNumber(null)).toBeNull();
    expect(formatRate('100')).toBe('100.00%');
    expect(formatRate(null)).toBe('—');
  });

  it('shows each rate with the counts it is computed from', () => {
    renderWithProviders(<IndicatorCards totals={totals} />);
    expect(screen.getByText('90.91%')).toBeInTheDocument();
    expect(screen.getByText('已建会 10 / 共 11 家')).toBeInTheDocument();
    expect(screen.getByText('38.33%')).toBeInTheDocument();
    expect(screen.getByText('会员 200 / 职工 1810 人')).toBeInTheDocument();
    expect(screen.getByText('占会员总数 23.50%')).toBeInTheDocument();
    expect(screen.getByText('专职 19 人 · 兼职 108 人')).toBeInTheDocument();
    expect(screen.getByText('逾期未换届 5 个')).toBeInTheDocument();
  });
});
