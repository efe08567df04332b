// Create a user of this county (with a first password they must change) or edit one.
import { ModalForm, ProFormSelect, ProFormSwitch, ProFormText } from '@ant-design/pro-components';
import { App, Form, Typography } from 'antd';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { reportFormError } from '@/lib/form-errors';
import { compactBody, diffForPatch } from '@/lib/form-values';
import { useT } from '@/locales';
import { useCreateUser, useResetPassword, useUpdateUser } from '../api/users';
import { authMessages } from '../locales';
import { TENANT_ROLES } from '../roles';
import type { TenantRole, User, UserCreate, UserUpdate } from '../types';

const MIN_LENGTH = 8;
const EDIT_FIELDS = ['display_name', 'role', 'scope_org_id', 'mobile', 'is_active'] as const satisfies readonly (keyof UserUpdate)[];

type Values = UserCreate & { is_active?: boolean };

export function UserForm({ user, onClose, onDone }: { user?: User; onClose: () => void; onDone: () => void }) {
  const t = useT(authMessages);
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const create = useCreateUser();
  const update = useUpdateUser();
  const initial: Partial<Values> = user
    ? {
        display_name: user.display_name,
        role: user.role as TenantRole,
        scope_org_id: user.scope_org_id ?? undefined,
        mobile: user.mobile ?? undefined,
        is_active: user.is_active,
      }
    : { role: 'org_staff' };

  return (
    <ModalForm<Values>
      open
      form={form}
      width={560}
      title={user ? t('auth.users.editTitle', { name: user.username }) : t('auth.users.createTitle')}
      initialValues={initial}
      modalProps={{ onCancel: onClose, maskClosable: false }}
      onOpenChange={(open) => !open && onClose()}
      submitter={{ searchConfig: { submitText: t('common.save') } }}
      onFinish={async (values) => {
        try {
          if (user) await update.mutateAsync({ id: user.id, data: diffForPatch<UserUpdate>(initial, values, EDIT_FIELDS) });
          else await create.mutateAsync(compactBody(values));
          void message.success(user ? t('common.saved') : t('auth.users.created'));
          onDone();
          return true;
        } catch (error) {
          reportFormError(form, error, (text) => void message.error(text));
          return false;
        }
      }}
    >
      {user ? null : (
        <ProFormText
          name="username"
          label={t('auth.users.username')}
          tooltip={t('auth.users.usernameHint')}
          rules={[{ required: true, message: t('auth.users.required') }]}
          fieldProps={{ autoComplete: 'off' }}
        />
      )}
      <ProFormText name="display_name" label={t('auth.users.displayName')} rules={[{ required: true, message: t('auth.users.required') }]} />
      {user ? null : (
        <ProFormText.Password
          name="password"
          label={t('auth.users.initialPassword')}
          extra={<Typography.Text type="secondary">{t('auth.users.initialPasswordHint', { min: MIN_LENGTH })}</Typography.Text>}
          rules={[
            { required: true, message: t('auth.users.required') },
            { min: MIN_LENGTH, message: t('auth.password.tooShort', { min: MIN_LENGTH }) },
          ]}
          fieldProps={{ autoComplete: 'new-password' }}
        />
      )}
      <ProFormSelect
        name="role"
        label={t('layout.role')}
        options={TENANT_ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
        rules={[{ required: true, message: t('auth.users.required') }]}
      />
      <Form.Item
        name="scope_org_id"
        label={t('auth.users.scope')}
        tooltip={t('auth.users.scopeHint')}
        rules={[{ required: true, message: t('auth.users.required') }]}
      >
        <OrgTreeSelect />
      </Form.Item>
      <ProFormText name="mobile" label={t('auth.users.mobile')} />
      {user ? <ProFormSwitch name="is_active" label={t('auth.users.active')} /> : null}
    </ModalForm>
  );
}

export function ResetPasswordForm({ user, onClose }: { user: User; onClose: () => void }) {
  const t = useT(authMessages);
  const { message } = App.useApp();
  const [form] = Form.useForm<{ new_password: string }>();
  const reset = useResetPassword();
  return (
    <ModalForm<{ new_password: string }>
      open
      form={form}
      width={480}
      title={t('auth.users.resetTitle', { name: user.display_name })}
      modalProps={{ onCancel: onClose, maskClosable: false }}
      onOpenChange={(open) => !open && onClose()}
      submitter={{ searchConfig: { submitText: t('auth.users.resetSubmit') } }}
      onFinish={async (values) => {
        try {
          await reset.mutateAsync({ id: user.id, newPassword: values.new_password });
          void message.success(t('auth.users.resetDone'));
          onClose();
          return true;
        } catch (error) {
          reportFormError(form, error, (text) => void message.error(text), { knownFields: ['new_password'] });
          return false;
        }
      }}
    >
      <Typography.Paragraph type="secondary">{t('auth.users.resetHint')}</Typography.Paragraph>
      <ProFormText.Password
        name="new_password"
        label={t('auth.users.newPassword')}
        rules={[
          { required: true, message: t('auth.users.required') },
          { min: MIN_LENGTH, message: t('auth.password.tooShort', { min: MIN_LENGTH }) },
        ]}
        fieldProps={{ autoComplete: 'new-password' }}
      />
    </ModalForm>
  );
}
