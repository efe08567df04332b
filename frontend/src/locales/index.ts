// A deliberately tiny i18n layer: flat message tables, `{name}` interpolation, a locale store that
// lives outside React (so the API client can translate too) and a `useT()` hook.
import { useCallback, useSyncExternalStore } from 'react';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { enUS } from './en-US';
import { type MessageKey, zhCN } from './zh-CN';

export type { MessageKey } from './zh-CN';

export const LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
export const LOCALE_STORAGE_KEY = 'unionhome.locale';

/** Language names are shown in their own language, whatever the current locale. */
export const LOCALE_LABELS: Record<Locale, string> = { 'zh-CN': '中文', 'en-US': 'English' };

const DAYJS_LOCALES: Record<Locale, string> = { 'zh-CN': 'zh-cn', 'en-US': 'en' };

type Table = Readonly<Record<string, string>>;
const SHARED: Record<Locale, Table> = { 'zh-CN': zhCN, 'en-US': enUS };

/** A feature's own strings: both locales, same keys (checked by the type). */
export interface FeatureMessages<K extends string> {
  'zh-CN': Readonly<Record<K, string>>;
  'en-US': Readonly<Record<K, string>>;
}

/** Declare a feature's strings: `defineMessages({ 'auth.x': '中文' }, { 'auth.x': 'English' })`. */
export function defineMessages<const Z extends Record<string, string>>(
  zh: Z,
  en: Record<keyof Z, string>,
): FeatureMessages<Extract<keyof Z, string>> {
  return { 'zh-CN': zh, 'en-US': en };
}

export type Vars = Record<string, string | number>;

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

function readStoredLocale(): Locale {
  try {
    const stored = globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // Storage can be unavailable (privacy mode); fall back to the default.
  }
  return DEFAULT_LOCALE;
}

let current: Locale = readStoredLocale();
const listeners = new Set<() => void>();

function apply(locale: Locale): void {
  dayjs.locale(DAYJS_LOCALES[locale]);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}
apply(current);

export function getLocale(): Locale {
  return current;
}

export function setLocale(locale: Locale): void {
  if (!isLocale(locale) || locale === current) return;
  current = locale;
  try {
    globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Not persisted; the choice still holds for this page.
  }
  apply(locale);
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLocale(): [Locale, (locale: Locale) => void] {
  const locale = useSyncExternalStore(subscribe, getLocale, getLocale);
  return [locale, setLocale];
}

function format(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : match,
  );
}

function lookup(locale: Locale, key: string, extra?: FeatureMessages<string>): string {
  return extra?.[locale][key] ?? SHARED[locale][key] ?? extra?.[DEFAULT_LOCALE][key] ?? SHARED[DEFAULT_LOCALE][key] ?? key;
}

/** Translate outside React (API client, loaders). Prefer `useT()` in components. */
export function translate(key: MessageKey, vars?: Vars): string {
  return format(lookup(current, key), vars);
}

export type TFunction<K extends string = never> = (key: MessageKey | K, vars?: Vars) => string;

/**
 * `const t = useT()` for shared strings, `const t = useT(authMessages)` to add a feature's own.
 * Re-renders the component when the locale changes.
 */
export function useT<K extends string = never>(feature?: FeatureMessages<K>): TFunction<K> {
  const [locale] = useLocale();
  return useCallback(
    (key: MessageKey | K, vars?: Vars) => format(lookup(locale, key, feature as FeatureMessages<string> | undefined), vars),
    [locale, feature],
  );
}
