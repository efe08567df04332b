// Download one of the four real-name registration forms (实名制登记表) for a subtree.
import { useState } from 'react';
import { FileExcelOutlined } from '@ant-design/icons';
import { App, Button, type ButtonProps } from 'antd';
import { isApiError } from '@/lib/api-client';
import { useT } from '@/locales';
import { downloadRegisterForm, type RegisterFormParams } from '../api/forms';
import { orgsMessages } from '../locales';
import type { RegisterForm } from '../types';

const TITLE_KEYS = {
  'org-register': 'orgs.forms.org',
  'member-register': 'orgs.forms.member',
  'cadre-register': 'orgs.forms.cadre',
  'transfer-register': 'orgs.forms.transfer',
} as const;

export function RegisterFormButton({
  form,
  params,
  ...buttonProps
}: { form: RegisterForm; params: RegisterFormParams } & Omit<ButtonProps, 'onClick' | 'loading' | 'form'>) {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const title = t(TITLE_KEYS[form]);

  const run = async () => {
    setBusy(true);
    const key = `form-${form}`;
    void message.loading({ content: t('orgs.forms.preparing', { title }), key, duration: 0 });
    try {
      const { filename, rows } = await downloadRegisterForm(form, params);
      void message.success({
        content: rows != null ? t('orgs.forms.doneRows', { name: filename, rows }) : t('orgs.forms.done', { name: filename }),
        key,
      });
    } catch (error) {
      void message.error({ content: isApiError(error) ? error.message : t('orgs.forms.failed'), key });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Button icon={<FileExcelOutlined />} loading={busy} onClick={() => void run()} data-testid={`download-${form}`} {...buttonProps}>
      {buttonProps.children ?? title}
    </Button>
  );
}
