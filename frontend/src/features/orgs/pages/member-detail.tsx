// /orgs/members/:id — one member on its own page (a link to share, or typed into the address bar).
// Another county's member, or one outside the user's scope, is answered 404 and shown as not found.
import { PageContainer } from '@ant-design/pro-components';
import { Button, Card, Result } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { useT } from '@/locales';
import { orgsMessages } from '../locales';
import { MemberDetail } from '../components/member-detail';

export default function MemberDetailPage() {
  const t = useT(orgsMessages);
  const navigate = useNavigate();
  const { id } = useParams();
  const memberId = Number(id);
  const valid = Number.isSafeInteger(memberId) && memberId > 0;
  return (
    <PageContainer title={t('orgs.members.detailTitle')} onBack={() => void navigate('/orgs/members')}>
      <Card>
        {valid ? (
          <MemberDetail memberId={memberId} />
        ) : (
          <div data-testid="member-not-found">
            <Result
              status="404"
              title={t('orgs.members.notFound')}
              extra={
                <Link to="/orgs/members">
                  <Button type="primary">{t('orgs.members.backToList')}</Button>
                </Link>
              }
            />
          </div>
        )}
      </Card>
    </PageContainer>
  );
}
