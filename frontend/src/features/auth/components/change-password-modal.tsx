import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Typography } from 'antd';
import { applyFormErrors } from '@/lib/form-errors';
import { useT } from '@/locales';
import { useChangePassword, useLogout } from '../api/auth';
import { authMessages } from '../locales';

const MIN_LENGTH = 8;

interface FormValues {
  current_password: string;
  new_password: string;
  confirm_password: string;
}

export interface ChangePasswordModalProps {
  open: boolean;
  onClose: () => void;
  /**
   * The server requires a new password before anything else (`must_change_password`): the modal
   * cannot be dismissed, only completed or left by signing out.
   */
  forced?: boolean;
}

export function ChangePasswordModal({ open, onClose, forced = false }: ChangePasswordModalProps) {
  const t = useT(authMessages);
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const mutation = useChangePassword();
  const logoutMutation = useLogout();
  const [generalError, setGeneralError] = useState<string | null>(null);

  const close = () => {
    form.resetFields();
    mutation.reset();
    setGeneralError(null);
    onClose();
  };

  const onFinish = (values: FormValues) => {
    setGeneralError(null);
    mutation.mutate(
      { current_password: values.current_password, new_password: values.new_password },
      {
        onSuccess: () => {
          void message.success(t('auth.password.changed'));
          close();
        },
        onError: (error) => {
          const applied = applyFormErrors(form, error);
          if (applied && applied.fields.length && !applied.general.length) return;
          setGeneralError(applied?.general.join('；') || error.message);
        },
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t('auth.password.title')}
      onCancel={forced ? undefined : close}
      closable={!forced}
      maskClosable={false}
      keyboard={!forced}
      destroyOnHidden
      footer={[
        forced ? (
          <Button key="logout" onClick={() => logoutMutation.mutate()} loading={logoutMutation.isPending}>
            {t('layout.logout')}
          </Button>
        ) : (
          <Button key="cancel" onClick={close}>
            {t('common.cancel')}
          </Button>
        ),
        <Button key="submit" type="primary" loading={mutation.isPending} onClick={() => form.submit()}>
          {t('auth.password.submit')}
        </Button>,
      ]}
    >
      {forced ? <Alert type="warning" showIcon message={t('auth.password.mustChange')} style={{ marginBottom: 16 }} /> : null}
      {generalError ? <Alert role="alert" type="error" showIcon message={generalError} style={{ marginBottom: 16 }} /> : null}
      <Form<FormValues> form={form} layout="vertical" requiredMark={false} onFinish={onFinish} preserve={false}>
        <Form.Item
          name="current_password"
          label={t('auth.password.current')}
          rules={[{ required: true, message: t('auth.password.currentRequired') }]}
        >
          <Input.Password autoComplete="current-password" maxLength={128} />
        </Form.Item>
        <Form.Item
          name="new_password"
          label={t('auth.password.new')}
          extra={<Typography.Text type="secondary">{t('auth.password.hint', { min: MIN_LENGTH })}</Typography.Text>}
          dependencies={['current_password']}
          rules={[
            { required: true, message: t('auth.password.newRequired') },
            { min: MIN_LENGTH, message: t('auth.password.tooShort', { min: MIN_LENGTH }) },
            {
              validator: (_rule, value?: string) =>
                !value || (/[A-Za-z]/.test(value) && /\d/.test(value))
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('auth.password.needsMix'))),
            },
            ({ getFieldValue }) => ({
              validator: (_rule, value?: string) =>
                !value || value !== getFieldValue('current_password')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('auth.password.sameAsCurrent'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={128} />
        </Form.Item>
        <Form.Item
          name="confirm_password"
          label={t('auth.password.confirm')}
          dependencies={['new_password']}
          rules={[
            { required: true, message: t('auth.password.confirmRequired') },
            ({ getFieldValue }) => ({
              validator: (_rule, value?: string) =>
                !value || value === getFieldValue('new_password')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('auth.password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={128} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
