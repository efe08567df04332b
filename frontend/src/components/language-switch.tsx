import { Segmented } from 'antd';
import { LOCALE_LABELS, LOCALES, type Locale, useLocale, useT } from '@/locales';

/** 中文 / English. The choice is kept in localStorage and switches antd, dayjs and our strings. */
export function LanguageSwitch({ size = 'small' }: { size?: 'small' | 'middle' | 'large' }) {
  const [locale, setLocale] = useLocale();
  const t = useT();
  return (
    <Segmented<Locale>
      size={size}
      aria-label={t('lang.label')}
      value={locale}
      options={LOCALES.map((value) => ({ value, label: LOCALE_LABELS[value] }))}
      onChange={setLocale}
    />
  );
}
