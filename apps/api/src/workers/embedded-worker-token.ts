import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { hashToken, tokenDisplayPrefix } from '../auth/tokens';
import { LOGGER } from '../config/config.module';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';

export const EMBEDDED_WORKER_EMAIL = 'embedded-worker@localhost';
const TOKEN_NAME = 'embedded worker';

/**
 * The embedded default (`npm start`) runs one trainer worker as a child of the platform; the platform makes
 * up a fresh token for it on each start and passes it here as `DEFECTLAB_EMBEDDED_WORKER_TOKEN`. This
 * registers it for an "embedded worker" user with role engineer (what worker endpoints need) and revokes
 * that user's tokens of earlier starts, so only the running worker's token is valid. Remote workers use an
 * engineer token an admin created for them.
 */
@Injectable()
export class EmbeddedWorkerToken implements OnModuleInit {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const token = process.env['DEFECTLAB_EMBEDDED_WORKER_TOKEN'];
    if (!token) return;
    const prisma = this.db.prisma;
    const tokenHash = hashToken(token);
    if (await prisma.apiToken.findUnique({ where: { tokenHash }, select: { id: true } })) return;
    const user = await prisma.user.upsert({
      where: { email: EMBEDDED_WORKER_EMAIL },
      create: { email: EMBEDDED_WORKER_EMAIL, name: 'Embedded trainer worker', role: 'engineer' },
      update: {},
      select: { id: true },
    });
    await prisma.$transaction([
      prisma.apiToken.updateMany({ where: { userId: user.id, name: TOKEN_NAME, revokedAt: null }, data: { revokedAt: new Date() } }),
      prisma.apiToken.create({ data: { userId: user.id, name: TOKEN_NAME, prefix: tokenDisplayPrefix(token), tokenHash } }),
    ]);
    this.logger.info({ user: EMBEDDED_WORKER_EMAIL }, 'registered the embedded worker token');
  }
}
