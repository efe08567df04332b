import { Tag } from 'antd';
import { useT } from '@/locales';
import { importsMessages, type ImportsMessageKey } from '../locales';

const COLOR: Record<string, string> = {
  pending: 'default',
  validating: 'processing',
  validated: 'blue',
  invalid: 'error',
  committing: 'processing',
  committed: 'success',
  rejected: 'warning',
  failed: 'error',
  cancelled: 'default',
};

export function ImportStatusTag({ status, label }: { status: string; label?: string }) {
  const t = useT(importsMessages);
  const key = `imports.status.${status}` as ImportsMessageKey;
  const text = t(key);
  return (
    <Tag color={COLOR[status] ?? 'default'} data-testid="import-status">
      {text === key ? (label ?? status) : text}
    </Tag>
  );
}
