import type { ReactNode } from 'react';
import { render, screen } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { makeMe, platformAdminMe } from '@/testing/fixtures';
import { createTestQueryClient } from '@/testing/render';
import { Access, buildAccess, meQueryKey, type Me } from './access';

function renderWithMe(me: Me, ui: ReactNode) {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(meQueryKey, me);
  return render(<QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>);
}

describe('access', () => {
  it('<Access> renders its children only when the rule passes', () => {
    renderWithMe(
      makeMe({ permissions: ['members.write'] }),
      <>
        <Access can="members.write">
          <button>新增会员</button>
        </Access>
        <Access can="funds.approve" fallback={<span>无审批权限</span>}>
          <button>审批</button>
        </Access>
      </>,
    );

    expect(screen.getByRole('button', { name: '新增会员' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: '审批' })).not.toBeInTheDocument();
    expect(screen.getByText('无审批权限')).toBeInTheDocument();
  });

  it('supports "any of" lists and predicates', () => {
    const admin = buildAccess(platformAdminMe());
    expect(admin.can(['funds.read', 'tenants.manage'])).toBe(true);
    expect(admin.can((a) => a.isPlatformAdmin && !a.hasTenant)).toBe(true);
    expect(admin.can('members.read')).toBe(false);
    expect(admin.can()).toBe(true);
    expect(buildAccess(null).can()).toBe(false);
  });
});
