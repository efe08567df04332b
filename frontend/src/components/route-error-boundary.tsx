import { Button, Result, Space, Typography } from 'antd';
import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api-client';
import { type MessageKey, useT } from '@/locales';

function statusOf(error: unknown): number | undefined {
  if (isRouteErrorResponse(error)) return error.status;
  if (isApiError(error)) return error.status;
  return undefined;
}

/** A lazy chunk that no longer exists on the server: the SPA was redeployed under the user. */
function isChunkLoadError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /dynamically imported module|Importing a module script failed|error loading dynamically imported module|ChunkLoadError/i.test(
    `${error.name} ${error.message}`,
  );
}

/** errorElement for every route: 403/404 pages, a stale-deploy hint, or a generic error page. */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const status = statusOf(error);

  let kind: 'route.403' | 'route.404' | 'route.chunk' | 'route.error' = 'route.error';
  if (status === 403) kind = 'route.403';
  else if (status === 404) kind = 'route.404';
  else if (isChunkLoadError(error)) kind = 'route.chunk';

  const resultStatus = kind === 'route.403' ? '403' : kind === 'route.404' ? '404' : kind === 'route.chunk' ? 'info' : '500';
  const detail = kind === 'route.error' && isApiError(error) ? error.message : undefined;
  if (kind === 'route.error' && !isApiError(error) && import.meta.env.DEV) console.error(error);

  return (
    <Result
      status={resultStatus}
      title={t(`${kind}.title` as MessageKey)}
      subTitle={
        <Space direction="vertical" size={4}>
          <span>{t(`${kind}.subTitle` as MessageKey)}</span>
          {detail ? <Typography.Text type="secondary">{detail}</Typography.Text> : null}
        </Space>
      }
      extra={
        <Space>
          <Link to={paths.home}>
            <Button type={kind === 'route.chunk' ? 'default' : 'primary'}>{t('common.backHome')}</Button>
          </Link>
          {kind === 'route.error' || kind === 'route.chunk' ? (
            <Button type={kind === 'route.chunk' ? 'primary' : 'default'} onClick={() => window.location.reload()}>
              {t('common.reload')}
            </Button>
          ) : null}
        </Space>
      }
    />
  );
}

/** Catch-all `*` route inside the layout. */
export function NotFoundPage() {
  const t = useT();
  return (
    <Result
      status="404"
      title={t('route.404.title')}
      subTitle={t('route.404.subTitle')}
      extra={
        <Link to={paths.home}>
          <Button type="primary">{t('common.backHome')}</Button>
        </Link>
      }
    />
  );
}
