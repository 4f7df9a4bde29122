import {
  Content,
  Header,
  HeaderGlobalAction,
  HeaderGlobalBar,
  HeaderMenuButton,
  HeaderName,
  SideNav,
  SideNavItems,
  SideNavLink,
  SkipToContent,
} from '@carbon/react';
import { Logout } from '@carbon/icons-react';
import { useState } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useSession } from '../api/session';
import { SessionExpiredDialog } from '../components/SessionExpiredDialog';
import { SignInPage } from '../components/SignInPage';
import { NAV } from '../nav';
import { ProjectSwitcher } from './ProjectSwitcher';

/**
 * The Carbon UI shell around every page: the header (product name, who is signed in, sign out), the side navigation
 * with the project switcher, and the page. Nobody signed in: the sign-in page in its place.
 */
export function AppShell() {
  const { token, user, projectId, signOut } = useSession();
  const { pathname } = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  if (!token) return <SignInPage />;

  return (
    <>
      <Header aria-label="LLM platform console">
        <SkipToContent />
        <HeaderMenuButton
          aria-label={navOpen ? 'Close menu' : 'Open menu'}
          onClick={() => setNavOpen(!navOpen)}
          isActive={navOpen}
          aria-expanded={navOpen}
        />
        <HeaderName as={Link} to="/" prefix="LLM">
          Platform console
        </HeaderName>
        <HeaderGlobalBar>
          {user && <span className="app-shell__user">{user.username}</span>}
          <HeaderGlobalAction aria-label="Sign out" tooltipAlignment="end" onClick={signOut}>
            <Logout size={20} />
          </HeaderGlobalAction>
        </HeaderGlobalBar>
        <SideNav aria-label="Side navigation" expanded={navOpen} isPersistent onSideNavBlur={() => setNavOpen(false)} href="#main-content">
          <ProjectSwitcher />
          <SideNavItems>
            {NAV.filter((e) => !e.project || projectId).map((e) => (
              <SideNavLink key={e.path} as={NavLink} to={e.path} isActive={pathname === e.path || pathname.startsWith(`${e.path}/`)}>
                {e.label}
              </SideNavLink>
            ))}
          </SideNavItems>
        </SideNav>
      </Header>
      <Content id="main-content" className="app-shell__content">
        <Outlet />
      </Content>
      <SessionExpiredDialog />
    </>
  );
}
