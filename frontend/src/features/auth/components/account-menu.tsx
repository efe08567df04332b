import { useState, type ReactNode } from 'react';
import { KeyOutlined, LogoutOutlined } from '@ant-design/icons';
import { Dropdown, type MenuProps } from 'antd';
import { useT } from '@/locales';
import { useLogout } from '../api/auth';
import { authMessages } from '../locales';
import { ChangePasswordModal } from './change-password-modal';

export interface AccountMenuProps {
  /** The avatar + name the layout renders; the menu opens from it. */
  children: ReactNode;
  /** Open the change-password modal and keep it open until the password is changed. */
  mustChangePassword?: boolean;
}

/** The header's account dropdown: change password, sign out. */
export function AccountMenu({ children, mustChangePassword = false }: AccountMenuProps) {
  const t = useT(authMessages);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const logoutMutation = useLogout();

  const items: MenuProps['items'] = [
    { key: 'password', icon: <KeyOutlined />, label: t('layout.changePassword') },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('layout.logout'), danger: true, disabled: logoutMutation.isPending },
  ];

  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'password') setPasswordOpen(true);
    if (key === 'logout') logoutMutation.mutate();
  };

  return (
    <>
      <Dropdown menu={{ items, onClick }} placement="bottomRight" trigger={['click', 'hover']}>
        <span style={{ cursor: 'pointer', display: 'inline-flex', alignItems: 'center' }} data-testid="account-menu">
          {children}
        </span>
      </Dropdown>
      <ChangePasswordModal
        open={passwordOpen || mustChangePassword}
        forced={mustChangePassword}
        onClose={() => setPasswordOpen(false)}
      />
    </>
  );
}
