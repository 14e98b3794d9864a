import path from 'node:path';
import type { NextConfig } from 'next';

const workspaceRoot = path.join(__dirname, '..', '..');

const nextConfig: NextConfig = {
  // libs/contracts and libs/metrics live outside this folder; they are compiled as part of the app.
  turbopack: { root: workspaceRoot },
  outputFileTracingRoot: workspaceRoot,
  poweredByHeader: false,
};

export default nextConfig;
