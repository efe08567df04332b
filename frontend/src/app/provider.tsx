// App-wide providers: TanStack Query, antd ConfigProvider (locale + theme) and antd <App> (so
// message/modal/notification follow the theme), plus the bridge that lets the API client show
// errors through that themed message instance.
import { type ReactNode, useEffect } from 'react';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { App as AntdApp, ConfigProvider, type ThemeConfig } from 'antd';
// The ES builds: with Vite, the CommonJS `antd/locale/*` lose the nested Pagination strings.
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { setErrorNotifier } from '@/lib/api-client';
import { type Locale, useLocale } from '@/locales';

const ANTD_LOCALES = { 'zh-CN': zhCN, 'en-US': enUS } satisfies Record<Locale, unknown>;

export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#c8102e',
    colorLink: '#1d5fbf',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
};

function ApiMessageBridge() {
  const { message } = AntdApp.useApp();
  useEffect(() => {
    setErrorNotifier((text) => void message.error({ content: text, key: text }));
    return () => setErrorNotifier(null);
  }, [message]);
  return null;
}

export function AppProvider({ queryClient, children }: { queryClient: QueryClient; children: ReactNode }) {
  const [locale] = useLocale();
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider locale={ANTD_LOCALES[locale]} theme={theme}>
        <AntdApp>
          <ApiMessageBridge />
          {children}
        </AntdApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
