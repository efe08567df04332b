// 组织架构: the union org tree (lazy), a search that jumps to a match, and the selected org's
// details with create-child / edit / move / delete.
import { useCallback, useEffect, useState } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { App, Card, Col, Empty, Result, Row, Spin, Tree, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { isApiError } from '@/lib/api-client';
import { useT } from '@/locales';
import { useDeleteOrg } from '../api/orgs';
import { orgsMessages } from '../locales';
import type { Org } from '../types';
import { OrgDetail } from '../components/org-detail';
import { OrgForm } from '../components/org-form';
import { OrgMoveModal } from '../components/org-move-modal';
import { OrgSearch } from '../components/org-search';
import { type OrgTreeNode, useLazyOrgTree } from '../components/use-lazy-org-tree';

type Dialog =
  | { kind: 'create'; parent: Org }
  | { kind: 'edit'; org: Org; etag: string | null }
  | { kind: 'move'; org: Org }
  | null;

export default function OrgTreePage() {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const tree = useLazyOrgTree();
  const [params, setParams] = useSearchParams();
  const selectedId = params.get('org') ? Number(params.get('org')) : undefined;
  const [dialog, setDialog] = useState<Dialog>(null);
  const remove = useDeleteOrg();

  const select = useCallback(
    (id: number | undefined) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (id === undefined) next.delete('org');
          else next.set('org', String(id));
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  // Nothing chosen yet: the top of the user's scope.
  const firstRoot = tree.treeData[0]?.key;
  useEffect(() => {
    if (selectedId === undefined && firstRoot !== undefined) select(firstRoot);
  }, [selectedId, firstRoot, select]);

  const scrollTo = (id: number) =>
    setTimeout(() => document.querySelector(`[data-org-id="${id}"]`)?.scrollIntoView({ block: 'center', behavior: 'smooth' }), 150);

  const jumpTo = async (org: Pick<Org, 'id' | 'path'>) => {
    await tree.reveal(org);
    select(org.id);
    scrollTo(org.id);
  };

  const parentKey = (id: number | null) => id ?? ('roots' as const);

  const afterChange = async (levels: (number | null)[]) => {
    for (const level of new Set(levels)) {
      // The level itself and the one holding its parent node (its child_count changed).
      const parentOrg = level !== null ? tree.orgs.get(level) : undefined;
      await tree.reload(parentKey(level));
      if (parentOrg) await tree.reload(parentKey(parentOrg.parent_id));
    }
  };

  const renderTitle = (node: OrgTreeNode) => (
    <span data-org-id={node.key} data-testid="org-tree-node" title={`${node.org.name}（${node.org.org_type_label}）`}>
      {node.title}
      {node.org.child_count > 0 ? (
        <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 6 }}>
          {node.org.child_count}
        </Typography.Text>
      ) : null}
    </span>
  );

  return (
    <PageContainer title={t('orgs.tree.title')} content={t('orgs.tree.subtitle')}>
      <Row gutter={16} wrap={false}>
        <Col flex="380px" style={{ minWidth: 0 }}>
          <Card
            size="small"
            title={<OrgSearch onPick={(org) => void jumpTo(org)} />}
            styles={{ header: { paddingBlock: 8 }, body: { padding: 8, height: 'calc(100vh - 250px)', minHeight: 360, overflow: 'auto' } }}
          >
            {tree.rootsLoading ? (
              <Spin style={{ display: 'block', marginTop: 48 }} />
            ) : tree.rootsError ? (
              <Result status="error" title={isApiError(tree.rootsError) ? tree.rootsError.message : t('orgs.detail.loadFailed')} />
            ) : tree.treeData.length === 0 ? (
              <Empty description={t('orgs.tree.empty')} />
            ) : (
              <Tree<OrgTreeNode>
                data-testid="org-tree"
                blockNode
                showLine={{ showLeafIcon: false }}
                treeData={tree.treeData}
                expandedKeys={tree.expandedKeys}
                loadedKeys={tree.loadedKeys}
                onExpand={(keys) => tree.setExpandedKeys(keys.map(Number))}
                selectedKeys={selectedId !== undefined ? [selectedId] : []}
                onSelect={(keys) => keys.length && select(Number(keys[0]))}
                loadData={async (node) => {
                  await tree.load(node.key);
                }}
                titleRender={renderTitle}
              />
            )}
          </Card>
        </Col>
        <Col flex="auto" style={{ minWidth: 0 }}>
          <Card size="small" styles={{ body: { padding: 16, minHeight: 'calc(100vh - 250px)' } }}>
            <OrgDetail
              orgId={selectedId}
              actions={{
                onCreateChild: (parent) => setDialog({ kind: 'create', parent }),
                onEdit: (org, etag) => setDialog({ kind: 'edit', org, etag }),
                onMove: (org) => setDialog({ kind: 'move', org }),
                onDelete: async (org, etag) => {
                  await remove.mutateAsync({ id: org.id, etag });
                  void message.success(t('orgs.action.deleted', { name: org.name }));
                  select(org.parent_id ?? undefined);
                  await afterChange([org.parent_id]);
                },
              }}
            />
          </Card>
        </Col>
      </Row>
      {dialog?.kind === 'create' ? (
        <OrgForm
          mode="create"
          parent={dialog.parent}
          onClose={() => setDialog(null)}
          onDone={(org) => {
            setDialog(null);
            void afterChange([dialog.parent.id]).then(async () => {
              tree.setExpandedKeys((prev) => Array.from(new Set([...prev, dialog.parent.id])));
              await jumpTo(org);
            });
          }}
        />
      ) : null}
      {dialog?.kind === 'edit' ? (
        <OrgForm
          mode="edit"
          org={dialog.org}
          etag={dialog.etag}
          onClose={() => setDialog(null)}
          onDone={(org) => {
            setDialog(null);
            tree.replaceOrg(org);
          }}
        />
      ) : null}
      {dialog?.kind === 'move' ? (
        <OrgMoveModal
          org={dialog.org}
          onClose={() => setDialog(null)}
          onDone={(moved, fromParent) => {
            setDialog(null);
            void afterChange([fromParent, moved.parent_id]).then(() => jumpTo(moved));
          }}
        />
      ) : null}
    </PageContainer>
  );
}
