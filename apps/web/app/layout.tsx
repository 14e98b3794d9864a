import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { Providers } from './providers';

// every page renders per request, so Next.js can put the CSP nonce of proxy.ts on its scripts
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'DefectLab',
  description: 'Train, compare and ship one-class visual anomaly detectors.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a href="#content" className="skip-link">
          Skip to content
        </a>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
