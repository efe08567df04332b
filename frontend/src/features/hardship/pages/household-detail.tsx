// One household of the hardship file as a page (/hardship/households/:id).
import { PageContainer } from '@ant-design/pro-components';
import { useParams } from 'react-router';
import { useT } from '@/locales';
import { HouseholdDetail } from '../components/household-detail';
import { hardshipMessages } from '../locales';

export default function HouseholdDetailPage() {
  const t = useT(hardshipMessages);
  const { id } = useParams();
  const householdId = Number(id);
  return (
    <PageContainer title={t('hardship.list.title')}>
      <HouseholdDetail key={householdId} householdId={Number.isFinite(householdId) ? householdId : -1} />
    </PageContainer>
  );
}
