// Move an org (with everything below it) under another parent.
import { ModalForm } from '@ant-design/pro-components';
import { Alert, App, Form } from 'antd';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { useT } from '@/locales';
import { useMoveOrg } from '../api/orgs';
import { orgsMessages } from '../locales';
import type { Org } from '../types';
import { submitForm } from './form-submit';

export function OrgMoveModal({ org, onClose, onDone }: { org: Org; onClose: () => void; onDone: (moved: Org, fromParentId: number | null) => void }) {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const [form] = Form.useForm<{ parent_id: number }>();
  const move = useMoveOrg();
  return (
    <ModalForm<{ parent_id: number }>
      open
      form={form}
      width={560}
      title={t('orgs.move.title', { name: org.name })}
      modalProps={{ onCancel: onClose, maskClosable: false }}
      onOpenChange={(open) => !open && onClose()}
      submitter={{ searchConfig: { submitText: t('orgs.move.submit') } }}
      onFinish={(values) =>
        submitForm(form, () => move.mutateAsync({ id: org.id, parentId: values.parent_id }), {
          onSuccess: (moved) => {
            void message.success(t('orgs.move.done'));
            onDone(moved, org.parent_id);
          },
          notifyError: (text) => void message.error(text),
        })
      }
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('orgs.move.hint', { parent: org.parent_name ?? '-' })} />
      <Form.Item name="parent_id" label={t('orgs.move.newParent')} rules={[{ required: true, message: t('orgs.move.parentRequired') }]}>
        <OrgTreeSelect excludeSubtreeOf={org.id} data-testid="move-parent" />
      </Form.Item>
    </ModalForm>
  );
}
