import { act, renderHook } from '@testing-library/react';
import dayjs from 'dayjs';
import { afterEach, describe, expect, it } from 'vitest';
import { defineMessages, getLocale, LOCALE_STORAGE_KEY, setLocale, translate, useT } from './index';

const featureMessages = defineMessages({ 'demo.hello': '你好，{name}' }, { 'demo.hello': 'Hello, {name}' });

describe('locales', () => {
  afterEach(() => setLocale('zh-CN'));

  it('defaults to zh-CN', () => {
    expect(getLocale()).toBe('zh-CN');
    expect(translate('layout.logout')).toBe('退出登录');
  });

  it('switches strings, dayjs and <html lang>, and remembers the choice', () => {
    const { result } = renderHook(() => useT(featureMessages));
    expect(result.current('demo.hello', { name: '张三' })).toBe('你好，张三');
    expect(result.current('layout.changePassword')).toBe('修改密码');

    act(() => setLocale('en-US'));

    expect(result.current('demo.hello', { name: 'Zhang' })).toBe('Hello, Zhang');
    expect(result.current('layout.changePassword')).toBe('Change password');
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('en-US');
    expect(dayjs.locale()).toBe('en');
    expect(document.documentElement.lang).toBe('en-US');

    act(() => setLocale('zh-CN'));
    expect(dayjs.locale()).toBe('zh-cn');
  });
});
