// 办理接转: move a member's organisational relation to another union of the county.
import { ModalForm, ProFormDatePicker, ProFormTextArea } from '@ant-design/pro-components';
import { Alert, App, Form } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { compactBody } from '@/lib/form-values';
import { useT } from '@/locales';
import { useTransferMember } from '../api/members';
import { orgsMessages } from '../locales';
import type { Member, MemberTransfer, MemberTransferCreate } from '../types';
import { MEMBER_ORG_TYPES } from './codes';
import { EmployerSelect } from './employer-select';
import { submitForm } from './form-submit';

export function TransferForm({ member, onClose, onDone }: { member: Member; onClose: () => void; onDone: (transfer: MemberTransfer) => void }) {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const [form] = Form.useForm<MemberTransferCreate>();
  const transfer = useTransferMember();
  return (
    <ModalForm<MemberTransferCreate>
      open
      form={form}
      width={600}
      title={t('orgs.transfer.title', { name: member.name })}
      initialValues={{ transfer_date: dayjs().format('YYYY-MM-DD') }}
      dateFormatter="string"
      modalProps={{ onCancel: onClose, maskClosable: false }}
      onOpenChange={(open) => !open && onClose()}
      submitter={{ searchConfig: { submitText: t('orgs.transfer.submit') } }}
      onFinish={(values) =>
        submitForm(form, () => transfer.mutateAsync({ id: member.id, data: compactBody(values) }), {
          onSuccess: (result) => {
            void message.success(t('orgs.transfer.done', { name: member.name, org: result.to_org_name ?? '' }));
            onDone(result);
          },
          notifyError: (text) => void message.error(text),
        })
      }
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('orgs.transfer.from', { org: member.org_name ?? '-' })} />
      <Form.Item name="to_org_id" label={t('orgs.transfer.toOrg')} rules={[{ required: true, message: t('orgs.form.required') }]}>
        <OrgTreeSelect data-testid="transfer-to-org" selectableTypes={MEMBER_ORG_TYPES} />
      </Form.Item>
      <Form.Item name="to_employer_id" label={t('orgs.transfer.toEmployer')} tooltip={t('orgs.transfer.toEmployerHint')}>
        <EmployerSelect />
      </Form.Item>
      <ProFormDatePicker
        name="transfer_date"
        label={t('orgs.transfer.date')}
        rules={[{ required: true, message: t('orgs.form.required') }]}
        fieldProps={{ style: { width: '100%' }, disabledDate: (d: Dayjs) => d.isAfter(dayjs(), 'day') }}
      />
      <ProFormTextArea name="reason" label={t('orgs.transfer.reason')} fieldProps={{ rows: 2, maxLength: 200, showCount: true }} />
    </ModalForm>
  );
}
