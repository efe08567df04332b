// One member: details (ID number masked; the full number only with members.reveal_pii, and every
// reveal is logged), transfer history, and the actions edit / 办理接转 / 退会.
import { useState } from 'react';
import { EditOutlined, EyeOutlined, SwapOutlined, UserDeleteOutlined } from '@ant-design/icons';
import { ProDescriptions } from '@ant-design/pro-components';
import { App, Button, Card, Popconfirm, Result, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { RecordPanel } from '@/components/record-panels';
import { Access } from '@/lib/access';
import { isApiError } from '@/lib/api-client';
import { useT } from '@/locales';
import { useLapseMember, useMember, useMemberTransfers, useRevealIdNumber } from '../api/members';
import { orgsMessages } from '../locales';
import type { Member, MemberTransfer } from '../types';
import { useCodes } from './codes';
import { MemberFormModal } from './member-form';
import { TransferForm } from './transfer-form';

const STATUS_COLOR: Record<string, string> = { active: 'success', transferred_out: 'warning', lapsed: 'default' };

function IdNumber({ member }: { member: Member }) {
  const t = useT(orgsMessages);
  const reveal = useRevealIdNumber();
  const [full, setFull] = useState<string | null>(null);
  return (
    <Space size={8} wrap>
      <Typography.Text code copyable={full ? { text: full } : false} data-testid="member-id-number-value">
        {full ?? member.id_number_masked}
      </Typography.Text>
      {full ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('orgs.members.revealLogged')}
        </Typography.Text>
      ) : (
        <Access can="members.reveal_pii">
          <Popconfirm
            title={t('orgs.members.revealTitle')}
            description={t('orgs.members.revealConfirm')}
            okText={t('orgs.members.revealOk')}
            onConfirm={async () => setFull(await reveal.mutateAsync(member.id))}
          >
            <Button size="small" type="link" icon={<EyeOutlined />} loading={reveal.isPending} data-testid="reveal-id-number">
              {t('orgs.members.reveal')}
            </Button>
          </Popconfirm>
        </Access>
      )}
    </Space>
  );
}

export function MemberDetail({
  memberId,
  onChanged,
  showOpenLink = false,
}: {
  memberId: number;
  /** After an edit, transfer or lapse (the list reloads). */
  onChanged?: () => void;
  showOpenLink?: boolean;
}) {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const codes = useCodes();
  const { data, isLoading, error, refetch } = useMember(memberId);
  // Asked only once the member itself answered (a 404 member has no history to fetch).
  const transfers = useMemberTransfers(data ? memberId : undefined);
  const lapse = useLapseMember();
  const [dialog, setDialog] = useState<'edit' | 'transfer' | null>(null);

  if (isLoading) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (error || !data) {
    const notFound = isApiError(error) && error.status === 404;
    return (
      <div data-testid={notFound ? 'member-not-found' : 'member-load-failed'}>
      <Result
        status={notFound ? '404' : 'error'}
        title={notFound ? t('orgs.members.notFound') : t('orgs.detail.loadFailed')}
        subTitle={notFound ? t('orgs.members.notFoundHint') : undefined}
        extra={
          <Link to="/orgs/members">
            <Button type="primary">{t('orgs.members.backToList')}</Button>
          </Link>
        }
      />
      </div>
    );
  }

  const member = data.data;
  const changed = () => {
    void refetch();
    void transfers.refetch();
    onChanged?.();
  };

  return (
    <div data-testid="member-detail">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Space size={8} align="center">
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="member-detail-name">
            {member.name}
          </Typography.Title>
          <Tag color={STATUS_COLOR[member.status] ?? 'default'}>{codes.label('member_statuses', member.status)}</Tag>
        </Space>
        <Space wrap>
          {member.status === 'active' ? (
            <>
              <Access can="members.write">
                <Button icon={<EditOutlined />} onClick={() => setDialog('edit')}>
                  {t('common.edit')}
                </Button>
              </Access>
              <Access can="members.transfer">
                <Button type="primary" icon={<SwapOutlined />} onClick={() => setDialog('transfer')} data-testid="member-transfer">
                  {t('orgs.transfer.button')}
                </Button>
              </Access>
              <Access can="members.write">
                <Popconfirm
                  title={t('orgs.members.lapseConfirm', { name: member.name })}
                  okButtonProps={{ danger: true }}
                  onConfirm={async () => {
                    await lapse.mutateAsync({ id: member.id, etag: data.etag });
                    void message.success(t('orgs.members.lapsed'));
                    changed();
                  }}
                >
                  <Button danger icon={<UserDeleteOutlined />}>
                    {t('orgs.members.lapse')}
                  </Button>
                </Popconfirm>
              </Access>
            </>
          ) : null}
          {showOpenLink ? <Link to={`/orgs/members/${member.id}`}>{t('orgs.members.openPage')}</Link> : null}
        </Space>
      </Space>
      <ProDescriptions<Member>
        column={2}
        size="small"
        bordered
        dataSource={member}
        labelStyle={{ width: 112 }}
        columns={[
          { title: t('orgs.members.idNumber'), key: 'id', span: 2, render: () => <IdNumber member={member} /> },
          { title: t('orgs.members.gender'), dataIndex: 'gender', render: (_, r) => codes.label('genders', r.gender) },
          { title: t('orgs.members.birthDate'), dataIndex: 'birth_date', valueType: 'date' },
          { title: t('orgs.members.mobile'), dataIndex: 'mobile' },
          { title: t('orgs.members.joinDate'), dataIndex: 'join_date', valueType: 'date' },
          { title: t('orgs.members.org'), dataIndex: 'org_name', span: 2, render: (_, r) => <span data-testid="member-org-name">{r.org_name}</span> },
          { title: t('orgs.members.employer'), dataIndex: 'employer_name', span: 2 },
          { title: t('orgs.members.employmentType'), dataIndex: 'employment_type', render: (_, r) => codes.label('employment_types', r.employment_type) },
          { title: t('orgs.members.cardStatus'), dataIndex: 'member_card_status', render: (_, r) => codes.label('member_card_statuses', r.member_card_status) },
          { title: t('orgs.members.cardNumber'), dataIndex: 'member_card_number' },
          { title: t('orgs.field.updatedAt'), dataIndex: 'updated_at', valueType: 'dateTime' },
          { title: t('orgs.field.remark'), dataIndex: 'remark', span: 2 },
        ]}
      />
      <Card size="small" title={t('orgs.transfer.history')} style={{ marginTop: 16 }}>
        <Table<MemberTransfer>
          size="small"
          rowKey="id"
          data-testid="member-transfers"
          loading={transfers.isLoading}
          dataSource={transfers.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: t('orgs.transfer.none') }}
          columns={[
            { title: t('orgs.transfer.date'), dataIndex: 'transfer_date', width: 110 },
            { title: t('orgs.transfer.fromOrg'), dataIndex: 'from_org_name', ellipsis: true },
            { title: t('orgs.transfer.toOrg'), dataIndex: 'to_org_name', ellipsis: true },
            { title: t('orgs.transfer.reason'), dataIndex: 'reason', ellipsis: true, render: (v: string | null) => v || '-' },
          ]}
        />
      </Card>
      <RecordPanel name="evidence" subjectType="member" subjectId={member.id} subjectName={member.name} />
      {dialog === 'edit' ? (
        <MemberFormModal
          editId={member.id}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            changed();
          }}
        />
      ) : null}
      {dialog === 'transfer' ? (
        <TransferForm
          member={member}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            changed();
          }}
        />
      ) : null}
    </div>
  );
}
