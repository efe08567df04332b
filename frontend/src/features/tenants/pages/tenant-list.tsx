import { PageContainer } from '@ant-design/pro-components';
import { useT } from '@/locales';
import { TenantTable } from '../components/tenant-table';
import { tenantsMessages } from '../locales';

export default function TenantListPage() {
  const t = useT(tenantsMessages);
  return (
    <PageContainer title={t('tenants.list.title')} content={t('tenants.list.subtitle')}>
      <TenantTable />
    </PageContainer>
  );
}
