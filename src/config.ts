/**
 * Configuration: the environment, validated once at start-up.
 * With nothing set, the app runs embedded: PGlite under ./data and an in-process bus.
 */
import { z } from 'zod';

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined))
  .pipe(z.url().optional());

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** PostgreSQL for read models, and for the event store unless EVENTSTORE_URL is set. */
  DATABASE_URL: optionalUrl,
  /** EventStoreDB/KurrentDB connection string (kurrentdb://… or esdb://…). */
  EVENTSTORE_URL: z.string().trim().optional().transform((value) => (value ? value : undefined)),
  NATS_URL: optionalUrl,
  /** Embedded mode keeps PGlite's files here. */
  DATA_DIR: z.string().default('./data'),
  /** Name prefix for the JetStream stream and consumers, so that several deployments can share a NATS. */
  NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/).default('EVENTS'),
  /** First token of the relayed subjects: `<prefix>.<category>.<type>`. */
  NATS_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('events'),
  /** How long a query given `minPosition` waits for its projection. */
  READ_YOUR_WRITES_TIMEOUT_MS: positiveInt(5_000),
  COMMAND_MAX_RETRIES: positiveInt(5),
  /** Live batches stay small: every open transaction holds back the `$all` horizon the relay reads below. */
  PROJECTION_BATCH_SIZE: positiveInt(64),
  SHUTDOWN_GRACE_MS: positiveInt(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export type RunMode = 'embedded' | 'postgres' | 'full';

export function runModeOf(config: Config): RunMode {
  if (config.EVENTSTORE_URL) return 'full';
  return config.DATABASE_URL ? 'postgres' : 'embedded';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (config.EVENTSTORE_URL && !config.DATABASE_URL) {
    throw new Error('invalid configuration:\n  DATABASE_URL: required for read models when EVENTSTORE_URL is set');
  }
  return config;
}

export const CONFIG = Symbol('Config');
