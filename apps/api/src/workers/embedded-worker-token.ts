import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthRepository, type NewUser } from '../auth/auth.repository';
import { hashToken, tokenDisplayPrefix } from '../auth/tokens';
import { LOGGER } from '../config/config.module';

/** A token the platform (tools/platform/start.ts) makes up on each start and hands to the API in `env`, for `user`. */
interface EmbeddedToken {
  readonly env: string;
  readonly user: NewUser;
  readonly tokenName: string;
}

const EMBEDDED_TOKENS: readonly EmbeddedToken[] = [
  // the one in-process trainer worker: worker endpoints only
  { env: 'DEFECTLAB_EMBEDDED_WORKER_TOKEN', user: { email: 'embedded-worker@localhost', name: 'Embedded trainer worker', role: 'worker' }, tokenName: 'embedded worker' },
  // the first-start demo (imports demo datasets and queues runs): an engineer's work, which a worker may not do
  { env: 'DEFECTLAB_EMBEDDED_DEMO_TOKEN', user: { email: 'demo@localhost', name: 'Demo population', role: 'engineer' }, tokenName: 'demo population' },
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
    private readonly auth: AuthRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const t of EMBEDDED_TOKENS) {
      const token = process.env[t.env];
      if (token) await this.register(t, token);
    }
  }

  private async register(t: EmbeddedToken, token: string): Promise<void> {
    const tokenHash = hashToken(token);
    if (await this.auth.tokenByHash(tokenHash)) return;
    // the role is updated too: data folders from before the worker role gave the embedded worker role engineer
    const userId = await this.auth.ensureUser(t.user, true);
    await this.auth.replaceTokens(userId, { name: t.tokenName, prefix: tokenDisplayPrefix(token), tokenHash });
    this.logger.info({ user: t.user.email, role: t.user.role }, `registered the ${t.tokenName} token`);
  }
}
