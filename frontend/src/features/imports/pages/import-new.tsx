// /data/imports/new?kind=members&org_id=12 — start an import (the member and employer lists link
// here with their kind preselected). After the upload the address becomes the batch's own page.
import { useMemo } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { useNavigate, useSearchParams } from 'react-router';
import { paths } from '@/config/paths';
import { useAccess } from '@/lib/access';
import { useT } from '@/locales';
import { ImportWizard } from '../components/import-wizard';
import { allowedKinds, builtInKinds } from '../kinds';
import { importsMessages } from '../locales';

export default function ImportNewPage() {
  const t = useT(importsMessages);
  const access = useAccess();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const kinds = useMemo(() => allowedKinds(builtInKinds(t), access), [t, access]);
  const orgParam = Number(params.get('org_id'));
  return (
    <PageContainer title={t('menu.importNew')} content={t('imports.list.subtitle')} onBack={() => void navigate(paths.imports)}>
      <ImportWizard
        kinds={kinds}
        initialKind={params.get('kind') ?? undefined}
        defaultOrgId={Number.isSafeInteger(orgParam) && orgParam > 0 ? orgParam : undefined}
        onBatch={(batch) => {
          if (batch) void navigate(`${paths.imports}/${batch.id}`, { replace: true });
        }}
      />
    </PageContainer>
  );
}
