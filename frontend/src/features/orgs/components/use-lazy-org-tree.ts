// State of the lazily loaded org tree on the 组织架构 page: which nodes are loaded, which are open,
// loading a level on demand, jumping to an org found by search (its ancestors are loaded and
// opened), and reloading one level after a create / move / delete.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ancestorIds, fetchOrgChildren, orgTreeKeys } from '@/lib/org-tree';
import type { Org } from '../types';

export type ParentKey = number | 'roots';

export interface OrgTreeNode {
  key: number;
  title: string;
  isLeaf: boolean;
  org: Org;
  children?: OrgTreeNode[];
}

export function useLazyOrgTree() {
  const queryClient = useQueryClient();
  const [orgs, setOrgs] = useState<Map<number, Org>>(() => new Map());
  const [childrenOf, setChildrenOf] = useState<Map<ParentKey, number[]>>(() => new Map());
  const [expandedKeys, setExpandedKeys] = useState<number[]>([]);
  const [loadedKeys, setLoadedKeys] = useState<number[]>([]);
  const [rootsLoading, setRootsLoading] = useState(true);
  const [rootsError, setRootsError] = useState<unknown>(null);
  const inflight = useRef(new Map<ParentKey, Promise<Org[]>>());
  const loaded = useRef(new Set<ParentKey>());

  const load = useCallback(
    (parent: ParentKey, force = false): Promise<Org[]> => {
      if (!force && loaded.current.has(parent)) {
        return Promise.resolve([]);
      }
      const pending = inflight.current.get(parent);
      if (pending && !force) return pending;
      const promise = (async () => {
        if (force) await queryClient.invalidateQueries({ queryKey: orgTreeKeys.children(parent) });
        const children = await queryClient.fetchQuery({
          queryKey: orgTreeKeys.children(parent),
          queryFn: () => fetchOrgChildren(parent),
          staleTime: 60_000,
        });
        loaded.current.add(parent);
        setOrgs((prev) => {
          const next = new Map(prev);
          for (const org of children) next.set(org.id, org);
          return next;
        });
        setChildrenOf((prev) => new Map(prev).set(parent, children.map((org) => org.id)));
        if (parent !== 'roots') setLoadedKeys((prev) => (prev.includes(parent) ? prev : [...prev, parent]));
        return children;
      })().finally(() => inflight.current.delete(parent));
      inflight.current.set(parent, promise);
      return promise;
    },
    [queryClient],
  );

  useEffect(() => {
    let cancelled = false;
    load('roots')
      .then((roots) => {
        // Open the top level so the townships are visible at once.
        if (!cancelled && roots.length === 1 && roots[0] && roots[0].child_count > 0) {
          const top = roots[0].id;
          void load(top).then(() => !cancelled && setExpandedKeys((prev) => (prev.includes(top) ? prev : [...prev, top])));
        }
      })
      .catch((error: unknown) => !cancelled && setRootsError(error))
      .finally(() => !cancelled && setRootsLoading(false));
    return () => {
      cancelled = true;
    };
  }, [load]);

  const treeData = useMemo(() => {
    const build = (parent: ParentKey): OrgTreeNode[] =>
      (childrenOf.get(parent) ?? []).flatMap((id) => {
        const org = orgs.get(id);
        if (!org) return [];
        const kids = childrenOf.get(id);
        return [
          {
            key: id,
            title: org.name,
            isLeaf: org.child_count === 0,
            org,
            ...(kids ? { children: build(id) } : {}),
          },
        ];
      });
    return build('roots');
  }, [childrenOf, orgs]);

  /** Load and open every level above `org`, so it is visible in the tree. */
  const reveal = useCallback(
    async (org: Pick<Org, 'id' | 'path'>) => {
      const ancestors = ancestorIds(org);
      for (const ancestor of ancestors) await load(ancestor);
      setExpandedKeys((prev) => Array.from(new Set([...prev, ...ancestors])));
    },
    [load],
  );

  /** Reload one level (after a create, move or delete under it), and the changed node itself. */
  const reload = useCallback(
    async (parent: ParentKey) => {
      loaded.current.delete(parent);
      await load(parent, true);
    },
    [load],
  );

  const replaceOrg = useCallback((org: Org) => {
    setOrgs((prev) => new Map(prev).set(org.id, org));
  }, []);

  return {
    treeData,
    orgs,
    expandedKeys,
    setExpandedKeys,
    loadedKeys,
    load,
    reveal,
    reload,
    replaceOrg,
    rootsLoading,
    rootsError,
  };
}
