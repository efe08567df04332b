import { useEffect } from 'react';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { safeNext } from '@/config/paths';
import { LanguageSwitch } from '@/components/language-switch';
import { Logo } from '@/components/logo';
import { applyFormErrors } from '@/lib/form-errors';
import { useT } from '@/locales';
import { useLogin } from '../api/auth';
import { authMessages } from '../locales';
import type { LoginPayload } from '../types';

export default function LoginPage() {
  const t = useT(authMessages);
  const [form] = Form.useForm<LoginPayload>();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const loginMutation = useLogin();

  useEffect(() => {
    document.title = `${t('auth.login.title')} - ${t('app.name')}`;
  }, [t]);

  const onFinish = (values: LoginPayload) => {
    loginMutation.mutate(
      { username: values.username.trim(), password: values.password },
      {
        onSuccess: () => navigate(safeNext(searchParams.get('next')), { replace: true }),
        onError: (error) => {
          applyFormErrors(form, error);
        },
      },
    );
  };

  const error = loginMutation.error;

  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{
        minHeight: '100vh',
        padding: 24,
        background: 'linear-gradient(160deg, #fff1f0 0%, #f5f5f5 45%, #f0f5ff 100%)',
        position: 'relative',
      }}
    >
      <div style={{ position: 'absolute', top: 16, right: 24 }}>
        <LanguageSwitch />
      </div>
      <Flex vertical align="center" gap={8} style={{ marginBottom: 24 }}>
        <Flex align="center" gap={12}>
          <Logo size={40} />
          <Typography.Title level={2} style={{ margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
        </Flex>
        <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
      </Flex>
      <Card style={{ width: '100%', maxWidth: 400 }} styles={{ body: { padding: 32 } }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('auth.login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('auth.login.subtitle')}</Typography.Paragraph>
        {error ? (
          <Alert
            role="alert"
            type="error"
            showIcon
            message={error.message || t('auth.login.failed')}
            style={{ marginBottom: 16 }}
          />
        ) : null}
        <Form<LoginPayload>
          form={form}
          layout="vertical"
          size="large"
          requiredMark={false}
          onFinish={onFinish}
          onValuesChange={() => {
            if (loginMutation.isError) loginMutation.reset();
          }}
          disabled={loginMutation.isPending}
        >
          <Form.Item
            name="username"
            label={t('auth.login.username')}
            rules={[{ required: true, whitespace: true, message: t('auth.login.usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus maxLength={60} />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('auth.login.password')}
            rules={[{ required: true, message: t('auth.login.passwordRequired') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" maxLength={128} />
          </Form.Item>
          <Form.Item style={{ marginBottom: 8 }}>
            <Button type="primary" htmlType="submit" block loading={loginMutation.isPending}>
              {t('auth.login.submit')}
            </Button>
          </Form.Item>
        </Form>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('auth.login.footer')}
        </Typography.Text>
      </Card>
      <Typography.Text type="secondary" style={{ marginTop: 24, fontSize: 12 }}>
        {t('app.nameEn')} · {t('app.name')}
      </Typography.Text>
    </Flex>
  );
}
