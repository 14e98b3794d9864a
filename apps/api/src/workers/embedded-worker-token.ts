import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { TRole } from '@defectlab/contracts';
import type { Logger } from 'pino';
import { hashToken, tokenDisplayPrefix } from '../auth/tokens';
import { LOGGER } from '../config/config.module';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';

export const EMBEDDED_WORKER_EMAIL = 'embedded-worker@localhost';
export const DEMO_POPULATION_EMAIL = 'demo@localhost';

/** A token the platform (tools/platform/start.ts) makes up on each start and hands to the API in `env`. */
interface EmbeddedToken {
  readonly env: string;
  readonly email: string;
  readonly userName: string;
  readonly role: TRole;
  readonly tokenName: string;
}

const EMBEDDED_TOKENS: readonly EmbeddedToken[] = [
  // the one in-process trainer worker: worker endpoints only
  { env: 'DEFECTLAB_EMBEDDED_WORKER_TOKEN', email: EMBEDDED_WORKER_EMAIL, userName: 'Embedded trainer worker', role: 'worker', tokenName: 'embedded worker' },
  // the first-start demo (imports demo datasets and queues runs): an engineer's work, which a worker may not do
  { env: 'DEFECTLAB_EMBEDDED_DEMO_TOKEN', email: DEMO_POPULATION_EMAIL, userName: 'Demo population', role: 'engineer', tokenName: 'demo population' },
];

/**
 * The embedded default (`npm start`) runs one trainer worker as a child of the platform; the platform makes
 * up a fresh token for it on each start and passes it here as `DEFECTLAB_EMBEDDED_WORKER_TOKEN`. This
 * registers it for an "embedded worker" user with role worker (worker endpoints only) and revokes that
 * user's tokens of earlier starts, so only the running worker's token is valid. The demo population's token
 * (`DEFECTLAB_EMBEDDED_DEMO_TOKEN`, role engineer) is handled alike. Remote workers use a worker token an
 * admin created for them (a user with role worker, then POST /api/users/:userId/tokens; see the README).
 */
@Injectable()
export class EmbeddedWorkerToken implements OnModuleInit {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const t of EMBEDDED_TOKENS) {
      const token = process.env[t.env];
      if (token) await this.register(t, token);
    }
  }

  private async register(t: EmbeddedToken, token: string): Promise<void> {
    const prisma = this.db.prisma;
    const tokenHash = hashToken(token);
    if (await prisma.apiToken.findUnique({ where: { tokenHash }, select: { id: true } })) return;
    const user = await prisma.user.upsert({
      where: { email: t.email },
      create: { email: t.email, name: t.userName, role: t.role },
      // data folders from before the worker role gave the embedded worker role engineer
      update: { role: t.role },
      select: { id: true },
    });
    await prisma.$transaction([
      prisma.apiToken.updateMany({ where: { userId: user.id, name: t.tokenName, revokedAt: null }, data: { revokedAt: new Date() } }),
      prisma.apiToken.create({ data: { userId: user.id, name: t.tokenName, prefix: tokenDisplayPrefix(token), tokenHash } }),
    ]);
    this.logger.info({ user: t.email, role: t.role }, `registered the ${t.tokenName} token`);
  }
}
