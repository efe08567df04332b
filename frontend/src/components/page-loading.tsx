import { Flex, Spin } from 'antd';
import { useT } from '@/locales';

/** Full-area spinner for lazy routes and the first session check. */
export function PageLoading({ fullScreen = false }: { fullScreen?: boolean }) {
  const t = useT();
  return (
    <Flex align="center" justify="center" style={{ minHeight: fullScreen ? '100vh' : 240, width: '100%' }}>
      <Spin size="large" tip={t('common.loading')}>
        <div style={{ width: 120, height: 64 }} />
      </Spin>
    </Flex>
  );
}
