// OrgTreeSelect: pick one union org from the user's part of the org tree.
//
// The tree loads lazily (roots via GET /orgs?roots=true, children via ?parent_id=…, `child_count`
// tells whether a node can open). Typing searches the server (?q=…) and lists the matches with
// their parent. A preset value that is not loaded yet is fetched with its ancestors, so the field
// shows the name and the dropdown opens at the right place.
import { type CSSProperties, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Space, TreeSelect, Typography } from 'antd';
import { getPage } from '@/lib/api-client';
import { ancestorIds, fetchOrg, orgChildrenQuery, type OrgNode, orgTreeKeys } from '@/lib/org-tree';
import { useT } from '@/locales';

interface SimpleNode {
  id: number;
  pId: number | null;
  value: number;
  /** What the closed field shows. */
  label: string;
  /** What the dropdown shows: the name and, greyed, the type (and the parent for search matches). */
  title: ReactNode;
  isLeaf: boolean;
  disabled?: boolean;
  selectable?: boolean;
  org: OrgNode;
}

export interface OrgTreeSelectProps {
  value?: number | null;
  onChange?: (value: number | undefined, org?: OrgNode) => void;
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  style?: CSSProperties;
  /** Grey out this org and everything below it (choosing a new parent when moving it). */
  excludeSubtreeOf?: number;
  /** Only orgs of these types can be picked (the others stay visible to open them). */
  selectableTypes?: readonly string[];
  id?: string;
  'data-testid'?: string;
}

export type { OrgNode };

export function OrgTreeSelect({
  value,
  onChange,
  placeholder,
  allowClear = true,
  disabled,
  style,
  excludeSubtreeOf,
  selectableTypes,
  id,
  'data-testid': testId,
}: OrgTreeSelectProps) {
  const t = useT();
  const queryClient = useQueryClient();
  const [nodes, setNodes] = useState<Map<number, OrgNode>>(() => new Map());
  const [expanded, setExpanded] = useState<number[]>([]);
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<{ q: string; orgs: OrgNode[] } | null>(null);
  // Matches are shown only for the text currently in the box.
  const results = found && search.trim() && found.q === search.trim() ? found.orgs : null;
  const [loading, setLoading] = useState(true);
  const loadedParents = useRef(new Set<number | 'roots'>());
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const addNodes = useCallback((orgs: OrgNode[]) => {
    if (!mounted.current || orgs.length === 0) return;
    setNodes((prev) => {
      const next = new Map(prev);
      for (const org of orgs) next.set(org.id, org);
      return next;
    });
  }, []);

  const loadChildren = useCallback(
    async (parentId: number | 'roots') => {
      if (loadedParents.current.has(parentId)) return;
      loadedParents.current.add(parentId);
      try {
        addNodes(await orgChildrenQuery(queryClient, parentId));
      } catch {
        loadedParents.current.delete(parentId);
      }
    },
    [addNodes, queryClient],
  );

  // The roots once.
  useEffect(() => {
    void loadChildren('roots').finally(() => mounted.current && setLoading(false));
  }, [loadChildren]);

  // A value we have not loaded: fetch it and the levels above it.
  useEffect(() => {
    if (value == null || nodes.has(value)) return;
    let cancelled = false;
    void (async () => {
      try {
        const org = await queryClient.fetchQuery({ queryKey: orgTreeKeys.one(value), queryFn: () => fetchOrg(value), staleTime: 60_000 });
        if (cancelled) return;
        addNodes([org]);
        const ancestors = ancestorIds(org);
        for (const ancestor of ancestors) await loadChildren(ancestor);
        if (!cancelled && mounted.current) setExpanded((prev) => Array.from(new Set([...prev, ...ancestors])));
      } catch {
        // Not visible to this user (or gone): the field shows the bare value.
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [value, nodes, addNodes, loadChildren, queryClient]);

  // Server-side search while the user types.
  useEffect(() => {
    const q = search.trim();
    if (!q) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      void queryClient
        .fetchQuery({
          queryKey: orgTreeKeys.search(q),
          queryFn: async () => (await getPage<OrgNode>('/orgs', { q, page: 1, page_size: 50 })).items,
          staleTime: 30_000,
        })
        .then((orgs) => {
          if (!cancelled && mounted.current) setFound({ q, orgs });
        })
        .catch(() => undefined);
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [search, queryClient]);

  const isExcluded = useCallback(
    (org: OrgNode) => excludeSubtreeOf !== undefined && org.path.includes(`/${excludeSubtreeOf}/`),
    [excludeSubtreeOf],
  );

  const toNode = useCallback(
    (org: OrgNode, flat: boolean): SimpleNode => {
      const pickable = !selectableTypes || selectableTypes.includes(org.org_type);
      return {
        id: org.id,
        pId: flat ? null : org.parent_id,
        value: org.id,
        label: org.name,
        title: (
          <Space size={6}>
            <span>{org.name}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {flat && org.parent_name ? `${org.parent_name} · ` : ''}
              {org.org_type_label}
            </Typography.Text>
          </Space>
        ),
        isLeaf: flat || org.child_count === 0,
        disabled: isExcluded(org) || (flat && !pickable),
        selectable: pickable && !isExcluded(org),
        org,
      };
    },
    [isExcluded, selectableTypes],
  );

  const treeData = useMemo(() => {
    if (results) {
      const shown = results.map((org) => toNode(org, true));
      // Keep the selected org resolvable while the matches are shown.
      const selected = value != null ? nodes.get(value) : undefined;
      if (selected && !results.some((org) => org.id === selected.id)) shown.push({ ...toNode(selected, true), disabled: true });
      return shown;
    }
    return Array.from(nodes.values()).map((org) => toNode(org, false));
  }, [results, nodes, toNode, value]);

  return (
    <TreeSelect<number>
      id={id}
      data-testid={testId}
      value={value ?? undefined}
      treeDataSimpleMode
      treeData={treeData}
      treeNodeLabelProp="label"
      loading={loading}
      disabled={disabled}
      allowClear={allowClear}
      placeholder={placeholder ?? t('orgSelect.placeholder')}
      style={{ width: '100%', ...style }}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { minWidth: 320, maxHeight: 420, overflow: 'auto' } } }}
      showSearch
      searchValue={search}
      onSearch={setSearch}
      filterTreeNode={() => true}
      treeExpandedKeys={results ? [] : expanded}
      onTreeExpand={(keys) => setExpanded(keys.map(Number))}
      loadData={async (node) => {
        const nodeId = Number((node as unknown as { value: number }).value);
        if (!results) await loadChildren(nodeId);
      }}
      notFoundContent={search.trim() && results ? t('orgSelect.noMatch') : undefined}
      onChange={(next) => {
        const nextId = next == null ? undefined : Number(next);
        const org = nextId !== undefined ? (nodes.get(nextId) ?? results?.find((o) => o.id === nextId)) : undefined;
        if (org && !nodes.has(org.id)) addNodes([org]);
        if (org && results) {
          // Picked from the matches: load its ancestors so the tree view knows where it sits.
          void (async () => {
            const ancestors = ancestorIds(org);
            for (const ancestor of ancestors) await loadChildren(ancestor);
            if (mounted.current) setExpanded((prev) => Array.from(new Set([...prev, ...ancestors])));
          })();
        }
        setSearch('');
        onChange?.(nextId, org);
      }}
    />
  );
}
