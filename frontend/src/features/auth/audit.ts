import type { AuditLogEntry } from './types';

function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '∅';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** An audit row's `changes` — `{field: [old, new]}` (updates) or `{field: value}` (snapshots) — as lines. */
export function changeLines(changes: AuditLogEntry['changes']): string[] {
  if (!changes) return [];
  return Object.entries(changes).map(([field, value]) =>
    Array.isArray(value) && value.length === 2
      ? `${field}: ${formatValue(value[0])} → ${formatValue(value[1])}`
      : `${field}: ${formatValue(value)}`,
  );
}
