import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { Providers } from './providers';

export const metadata: Metadata = {
  title: 'DefectLab',
  description: 'Train, compare and ship one-class visual anomaly detectors.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <a href="/" className="brand">
            DefectLab
          </a>
          <nav aria-label="Main">
            <a href="/">Home</a>
            <a href="/api/openapi.json">API</a>
          </nav>
        </header>
        <Providers>
          <main>{children}</main>
        </Providers>
      </body>
    </html>
  );
}
