// /data/imports/:id — one import where it stands: checking, the report and commit, importing, result.
import { useMemo } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Button, Card, Result } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { paths } from '@/config/paths';
import { useAccess } from '@/lib/access';
import { useT } from '@/locales';
import { ImportWizard } from '../components/import-wizard';
import { allowedKinds, builtInKinds } from '../kinds';
import { importsMessages } from '../locales';

export default function ImportDetailPage() {
  const t = useT(importsMessages);
  const access = useAccess();
  const navigate = useNavigate();
  const { id } = useParams();
  const importId = Number(id);
  const valid = Number.isSafeInteger(importId) && importId > 0;
  const kinds = useMemo(() => allowedKinds(builtInKinds(t), access), [t, access]);
  return (
    <PageContainer title={t('menu.importDetail')} onBack={() => void navigate(paths.imports)}>
      {valid ? (
        <ImportWizard
          key={importId}
          kinds={kinds}
          batchId={importId}
          onBatch={(batch) => void navigate(batch ? `${paths.imports}/${batch.id}` : paths.importNew)}
        />
      ) : (
        <Card>
          <Result
            status="404"
            title={t('imports.detail.notFound')}
            extra={
              <Link to={paths.imports}>
                <Button type="primary">{t('imports.detail.back')}</Button>
              </Link>
            }
          />
        </Card>
      )}
    </PageContainer>
  );
}
