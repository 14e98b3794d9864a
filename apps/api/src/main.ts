import { loadAppConfig } from './config/app-config';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  const config = loadAppConfig();
  const { app, logger } = await createApp(config);
  await app.listen(config.port, config.host);
  const url = `http://${config.host}:${config.port}`;
  logger.info({ url, health: `${url}/api/health`, openapi: `${url}/api/openapi.json` }, 'DefectLab API listening');
}

main().catch((err: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', msg: 'API failed to start', error: err instanceof Error ? err.stack : String(err) }));
  process.exit(1);
});
