import { describe, expect, it } from 'vitest';
import { archiveQuery, formatBytes } from './format';

describe('archiveQuery', () => {
  it('turns the upload-day range into two calendar days and drops an unset switch', () => {
    expect(archiveQuery({ q: '签收单', uploader: '王', uploaded: ['2026-01-05', '2026-01-31'], include_deleted: false })).toEqual({
      q: '签收单',
      uploader: '王',
      include_deleted: undefined,
      uploaded_from: '2026-01-05',
      uploaded_to: '2026-01-31',
    });
  });

  it('passes the record filters through and leaves the days out when no range is picked', () => {
    expect(archiveQuery({ subject_type: 'member', subject_id: 7, include_deleted: true })).toEqual({
      subject_type: 'member',
      subject_id: 7,
      include_deleted: true,
      uploaded_from: undefined,
      uploaded_to: undefined,
    });
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(null)).toBe('—');
  });
});
