import { fireEvent, screen, waitFor } from '@testing-library/react';
import { Form } from 'antd';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeOrg } from '@/testing/fixtures';
import { mockApi, type MockApi, type MockRequest } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render';
import { OrgTreeSelect } from './org-tree-select';

const county = makeOrg(1, '示例县总工会', [], { child_count: 2 });
const township = makeOrg(3, '小冀镇总工会', [1], { org_type: 'township', org_type_label: '乡镇(街道)工会', child_count: 1, parent_name: '示例县总工会' });
const other = makeOrg(4, '七里营镇总工会', [1], { org_type: 'township', org_type_label: '乡镇(街道)工会', parent_name: '示例县总工会' });
const grassroots = makeOrg(20, '小冀镇人民政府机关工会委员会', [1, 3], { parent_name: '小冀镇总工会' });

function listHandler({ params }: MockRequest) {
  const p = params as Record<string, unknown>;
  let items = [county];
  if (p.parent_id === 1) items = [township, other];
  else if (p.parent_id === 3) items = [grassroots];
  else if (typeof p.q === 'string') items = [grassroots, township].filter((o) => o.name.includes(p.q as string));
  return { data: items, headers: { 'x-pagination': JSON.stringify({ total: items.length }) } };
}

describe('OrgTreeSelect', () => {
  let api: MockApi;
  beforeEach(() => {
    api = mockApi().on('GET', '/orgs', listHandler).on('GET', '/orgs/20', { data: grassroots });
  });
  afterEach(() => api.restore());

  it('shows the name of a preset org it had to fetch, with the levels above it loaded', async () => {
    renderWithProviders(
      <Form initialValues={{ org: 20 }}>
        <Form.Item name="org" label="所在工会">
          <OrgTreeSelect />
        </Form.Item>
      </Form>,
    );

    expect(await screen.findByText('小冀镇人民政府机关工会委员会')).toBeInTheDocument();
    const asked = api.calls.map((c) => `${c.url} ${JSON.stringify(c.params ?? {})}`);
    expect(asked).toContain('/orgs/20 {}');
    expect(asked.some((a) => a.includes('"parent_id":1'))).toBe(true);
    expect(asked.some((a) => a.includes('"parent_id":3'))).toBe(true);
  });

  it('searches the server and hands back the picked org', async () => {
    const onChange = vi.fn();
    renderWithProviders(<OrgTreeSelect onChange={onChange} />);
    const input = screen.getByRole('combobox');
    fireEvent.mouseDown(input);
    fireEvent.change(input, { target: { value: '机关' } });

    const option = await screen.findByText('小冀镇人民政府机关工会委员会', {}, { timeout: 5000 });
    // The match says where it sits.
    expect(screen.getByText(/小冀镇总工会 · 基层工会/)).toBeInTheDocument();
    await waitFor(() => expect(api.calls.some((c) => (c.params as Record<string, unknown>)?.q === '机关')).toBe(true));
    fireEvent.click(option);
    expect(onChange).toHaveBeenCalledWith(20, expect.objectContaining({ id: 20, name: '小冀镇人民政府机关工会委员会' }));
  });

  it('keeps orgs of other types visible but not selectable when limited to some types', async () => {
    const onChange = vi.fn();
    renderWithProviders(<OrgTreeSelect onChange={onChange} selectableTypes={['grassroots']} />);
    const input = screen.getByRole('combobox');
    fireEvent.mouseDown(input);
    fireEvent.change(input, { target: { value: '小冀镇' } });
    const township = await screen.findByText('小冀镇总工会', { selector: 'span' }, { timeout: 5000 });
    fireEvent.click(township);
    expect(onChange).not.toHaveBeenCalled();
  });
});
