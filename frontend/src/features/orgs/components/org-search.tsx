// The search box above the org tree: matches by name (server-side ?q=), picking one jumps to it.
import { useEffect, useState } from 'react';
import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Input, Typography } from 'antd';
import { useT } from '@/locales';
import { listOrgs } from '../api/orgs';
import { orgsMessages } from '../locales';
import type { Org } from '../types';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function OrgSearch({ onPick }: { onPick: (org: Org) => void }) {
  const t = useT(orgsMessages);
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const { data, isFetching } = useQuery({
    queryKey: ['orgs', 'tree-search', q],
    queryFn: () => listOrgs({ q, page: 1, page_size: 20 }),
    enabled: q.length > 0,
    staleTime: 30_000,
  });
  const matches = q ? (data?.items ?? []) : [];

  return (
    <AutoComplete
      style={{ width: '100%' }}
      value={text}
      onChange={setText}
      options={matches.map((org) => ({
        value: String(org.id),
        label: (
          <div data-testid="org-search-option">
            <div>{org.name}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {[org.parent_name, org.org_type_label].filter(Boolean).join(' · ')}
            </Typography.Text>
          </div>
        ),
      }))}
      onSelect={(value: string) => {
        const org = matches.find((o) => String(o.id) === value);
        setText('');
        if (org) onPick(org);
      }}
      notFoundContent={q && !isFetching && data ? t('orgs.tree.noMatch') : null}
    >
      <Input allowClear prefix={<SearchOutlined />} placeholder={t('orgs.tree.searchPlaceholder')} data-testid="org-search" />
    </AutoComplete>
  );
}
