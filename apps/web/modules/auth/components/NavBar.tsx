'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useAuth } from '../hooks/useAuth';

const LINKS = [
  { href: '/runs', label: 'Runs' },
  { href: '/compare', label: 'Compare' },
  { href: '/curation', label: 'Curation' },
  { href: '/compliance', label: 'Compliance' },
  { href: '/datasets', label: 'Datasets' },
] as const;

/** The top bar: main navigation and who is signed in. */
export function NavBar() {
  const pathname = usePathname();
  const auth = useAuth();
  return (
    <header className="topbar">
      <Link href="/" className="brand">
        DefectLab
      </Link>
      <nav aria-label="Main">
        {LINKS.map((l) => {
          const current = pathname === l.href || pathname.startsWith(`${l.href}/`);
          return (
            <Link key={l.href} href={l.href} aria-current={current ? 'page' : undefined}>
              {l.label}
            </Link>
          );
        })}
      </nav>
      <div className="topbar-user">
        {auth.status === 'signed-in' && auth.me ? (
          <>
            <span data-testid="nav-user">
              {auth.me.user.name} · {auth.me.user.role}
            </span>
            <button type="button" className="link-button" onClick={auth.signOut}>
              Sign out
            </button>
          </>
        ) : (
          <Link href="/sign-in">Sign in</Link>
        )}
      </div>
    </header>
  );
}
