import { describe, expect, it } from 'vitest';
import { changeLines } from './audit';
import { AUDIT_ACTIONS, authMessages } from './locales';

describe('audit log', () => {
  it('shows updates as old → new and snapshots as values', () => {
    expect(changeLines({ mobile: ['138', '139'], remark: [null, '调岗'] })).toEqual(['mobile: 138 → 139', 'remark: ∅ → 调岗']);
    expect(changeLines({ name: '张三', org_id: 20 })).toEqual(['name: 张三', 'org_id: 20']);
    expect(changeLines(null)).toEqual([]);
  });

  it('names every action the server writes, in both languages', () => {
    for (const action of ['member.reveal_id_number', 'member.export_id_numbers', 'member.transfer', 'org.move', 'auth.login']) {
      expect(AUDIT_ACTIONS).toContain(action);
    }
    for (const action of AUDIT_ACTIONS) {
      const key = `auth.audit.action.${action}` as keyof (typeof authMessages)['en-US'];
      expect(authMessages['en-US'][key]).toBeTruthy();
    }
  });
});
