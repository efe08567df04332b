import { LogoutOutlined, SwapOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Space, Tag, Tooltip } from 'antd';
import { useNavigate } from 'react-router';
import { paths } from '@/config/paths';
import { useAccess } from '@/lib/access';
import { useT } from '@/locales';
import { useSwitchTenant } from '../api/tenants';
import { tenantsMessages } from '../locales';

/**
 * Header control for platform admins: "切换租户" (to the tenant list, where the switch happens) and,
 * while acting inside a tenant, "退出租户". Renders nothing for anyone else.
 */
export function TenantSwitcher() {
  const t = useT(tenantsMessages);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const access = useAccess();
  const leaveMutation = useSwitchTenant();

  if (!access.isPlatformAdmin || !access.can('tenants.switch')) return null;
  const tenant = access.me?.tenant ?? null;

  const leave = () =>
    leaveMutation.mutate(null, {
      onSuccess: () => {
        void message.success(t('tenants.switch.left'));
        void navigate(paths.tenants);
      },
    });

  return (
    <Space size={4}>
      {tenant && access.me?.acting_tenant_switch ? <Tag color="warning">{t('tenants.switch.acting')}</Tag> : null}
      <Button
        size="small"
        type={tenant ? 'default' : 'primary'}
        icon={<SwapOutlined />}
        onClick={() => void navigate(paths.tenants)}
      >
        {t('tenants.switch.button')}
      </Button>
      {tenant ? (
        <Popconfirm title={t('tenants.switch.leaveConfirm', { name: tenant.name })} onConfirm={leave}>
          <Tooltip title={t('tenants.switch.leave')}>
            <Button size="small" icon={<LogoutOutlined />} loading={leaveMutation.isPending} aria-label={t('tenants.switch.leave')} />
          </Tooltip>
        </Popconfirm>
      ) : null}
    </Space>
  );
}
