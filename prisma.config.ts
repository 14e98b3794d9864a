// Prisma CLI configuration. The CLI is only used for `prisma generate`; migrations are generated
// and applied by our own tools on the WebAssembly schema engine (see prisma/README.md).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
