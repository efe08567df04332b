// Pick an employer by name or credit code (server-side search), e.g. the employer of a union or
// a member. A preset value is looked up so the field shows the name, not the id.
import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Select, Typography } from 'antd';
import { apiClient } from '@/lib/api-client';
import { useT } from '@/locales';
import { employerKeys, listEmployers } from '../api/employers';
import { orgsMessages } from '../locales';
import type { Employer } from '../types';

export interface EmployerSelectProps {
  value?: number | null;
  onChange?: (value: number | null) => void;
  id?: string;
  placeholder?: string;
  disabled?: boolean;
}

export function EmployerSelect({ value, onChange, id, placeholder, disabled }: EmployerSelectProps) {
  const t = useT(orgsMessages);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);

  const search = useQuery({
    queryKey: employerKeys.search(q),
    queryFn: () => listEmployers({ q: q || undefined, page: 1, page_size: 20, sort: 'name' }),
    staleTime: 30_000,
  });
  const current = useQuery({
    queryKey: [...employerKeys.all, 'brief', value],
    queryFn: async () => (await apiClient.get<Employer>(`/employers/${value}`, { silent: true })).data,
    enabled: value != null && !search.data?.items.some((e) => e.id === value),
    staleTime: 60_000,
  });

  const list = [...(search.data?.items ?? [])];
  if (current.data && !list.some((e) => e.id === current.data.id)) list.unshift(current.data);

  return (
    <Select<number>
      id={id}
      allowClear
      showSearch
      disabled={disabled}
      value={value ?? undefined}
      placeholder={placeholder ?? t('orgs.employerSelect.placeholder')}
      filterOption={false}
      onSearch={setText}
      loading={search.isFetching}
      onChange={(next) => onChange?.(next ?? null)}
      notFoundContent={search.isFetching ? null : t('orgs.employerSelect.none')}
      options={list.map((e) => ({
        value: e.id,
        label: e.name,
        title: `${e.name} ${e.credit_code}`,
      }))}
      optionRender={(option) => {
        const employer = list.find((e) => e.id === option.value);
        return (
          <div>
            <div>{employer?.name}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {employer?.credit_code}
            </Typography.Text>
          </div>
        );
      }}
    />
  );
}
