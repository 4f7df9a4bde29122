import { Heading } from '@carbon/react';
import type { ReactNode } from 'react';

/** A page's title (the one h1) and an optional line under it. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <Heading>{title}</Heading>
      {children && <p className="page-header__lead">{children}</p>}
    </header>
  );
}
