/** What every operator command starts from: the validated configuration and opened infrastructure. */
import 'reflect-metadata';
import { loadConfig } from '../config';
import { createLogger } from '../adapters/logger';
import { Infrastructure, openInfrastructure } from '../adapters/infrastructure';
import { allProjections } from '../projections/all-projections';

export async function withInfrastructure(work: (infrastructure: Infrastructure) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const infrastructure = await openInfrastructure(config, allProjections, log);
  try {
    await work(infrastructure);
  } finally {
    await infrastructure.close();
  }
}
