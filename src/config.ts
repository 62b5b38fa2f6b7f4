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

/** `true`/`false` (or 1/0) from the environment; z.coerce.boolean would read 'false' as true. */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'));

/** Only for development and tests: production refuses to start with it. */
export const DEVELOPMENT_JWT_SECRET = 'switchboard-development-secret-do-not-use-in-production';

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /**
   * Which proxies may set X-Forwarded-For (the client address that rate limits and sessions use):
   * empty trusts none (the default: any client could claim any address), a number trusts that many
   * hops, otherwise comma-separated addresses or CIDRs of the proxies.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('')
    .transform((value): boolean | number | string => (value === '' ? false : /^\d+$/.test(value) ? Number(value) : value)),
  /** PostgreSQL for read models, and for the event store unless EVENTSTORE_URL is set. */
  DATABASE_URL: optionalUrl,
  /** EventStoreDB/KurrentDB connection string (kurrentdb://… or esdb://…). */
  EVENTSTORE_URL: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined)),
  NATS_URL: optionalUrl,
  /** Embedded mode keeps PGlite's files here. */
  DATA_DIR: z.string().default('./data'),
  /** Name prefix for the JetStream stream and consumers, so that several deployments can share a NATS. */
  NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('EVENTS'),
  /** First token of the relayed subjects: `<prefix>.<category>.<type>`. */
  NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('events'),
  /** How long a query given `minPosition` waits for its projection. */
  READ_YOUR_WRITES_TIMEOUT_MS: positiveInt(5_000),
  COMMAND_MAX_RETRIES: positiveInt(5),
  /** Live batches stay small: every open transaction holds back the `$all` horizon the relay reads below. */
  PROJECTION_BATCH_SIZE: positiveInt(64),
  /** Attempts at an event whose handler fails before the projector parks it and goes on. */
  PROJECTION_RETRY_ATTEMPTS: positiveInt(5),
  /** Wait after the first failed attempt; doubled after each further one (at most 30 s). */
  PROJECTION_RETRY_BACKOFF_MS: positiveInt(200),
  SHUTDOWN_GRACE_MS: positiveInt(10_000),
  /** `GET /metrics` (Prometheus) on a port of its own, loopback by default: not on the API port, where anyone could read and load it. */
  METRICS_ENABLED: flag(true),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** OTLP/HTTP (protobuf) collector base URL, e.g. http://collector:4318: traces go to `<url>/v1/traces`. Unset: no tracing at all. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  /** `service.name` of the traces and of the metrics' target_info. */
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('switchboard'),

  /** HS256 signing secret for access tokens, at least 32 bytes. Ignored when JWT_PRIVATE_KEY is set. */
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 bytes').default(DEVELOPMENT_JWT_SECRET),
  /** PKCS#8 PEM private key (Ed25519 for EdDSA, P-256 for ES256); its public half is served at /.well-known/jwks.json. */
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_ALGORITHM: z.enum(['EdDSA', 'ES256']).default('EdDSA'),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(15 * 60),
  REFRESH_TOKEN_TTL_DAYS: positiveInt(7),
  /** The first admin, created at start-up if absent. */
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  ADMIN_USERNAME: z.string().default('admin'),
  /** Attempts per minute on login, register and refresh, per client address and per account. */
  AUTH_RATE_LIMIT_PER_IP: positiveInt(30),
  AUTH_RATE_LIMIT_PER_ACCOUNT: positiveInt(10),
  /** Consecutive failed logins that lock an account, and for how long. */
  AUTH_LOCKOUT_THRESHOLD: positiveInt(5),
  AUTH_LOCKOUT_MINUTES: positiveInt(15),
  /** Browser origins allowed by CORS, comma-separated; none when empty. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),

  /** The realtime websocket gateway (uWebSockets.js), in the app process unless disabled; `npm run gateway` runs it alone. */
  REALTIME_ENABLED: flag(true),
  /** Its own port (0 picks a free one). uWS listens with SO_REUSEPORT, so gateway processes on one host may share it. */
  REALTIME_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  REALTIME_HOST: z.string().default('0.0.0.0'),
  /** Largest frame a client may send; a bigger one closes its socket. */
  REALTIME_MAX_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(16 * 1024 * 1024)
    .default(16 * 1024),
  REALTIME_MAX_SUBSCRIPTIONS: positiveInt(100),
  /** Frames per second per socket (token bucket) and the burst it tolerates. */
  REALTIME_MESSAGES_PER_SECOND: positiveInt(20),
  REALTIME_MESSAGE_BURST: positiveInt(40),
  /** Bytes buffered for one slow client before it is dropped: the bound on its memory. */
  REALTIME_MAX_BACKPRESSURE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(1024 * 1024 * 1024)
    .default(256 * 1024),
  /** Seconds without traffic before a socket is closed (uWS pings meanwhile; 0 disables). uWS aborts the process on 1–7 or over 960. */
  REALTIME_IDLE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(960)
    .refine((seconds) => seconds === 0 || seconds >= 8, 'either 0 or 8 to 960')
    .default(120),
  /** How often each gateway announces its users' presence; one silent for three periods is forgotten. */
  REALTIME_PRESENCE_HEARTBEAT_MS: positiveInt(5_000),

  /** The SFU behind voice channels: `werift` (pure TypeScript, runs anywhere) or `mediasoup` (installed separately; see the README). */
  VOICE_MEDIA_SERVER: z.enum(['werift', 'mediasoup']).default('werift'),
  /** Host candidates announced to voice clients, comma-separated IP addresses (the public address in production). */
  VOICE_ICE_ADDRESSES: z
    .string()
    .default('127.0.0.1')
    .transform((value) =>
      value
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.ipv4(), z.ipv6()])).min(1)),
  /** The local address media sockets bind to; empty binds every interface. */
  VOICE_ICE_BIND_ADDRESS: z
    .string()
    .default('127.0.0.1')
    .transform((value) => value.trim() || undefined)
    .pipe(z.union([z.ipv4(), z.ipv6()]).optional()),
  /** Private remote ranges voice media may reach when not loopback-only, comma-separated CIDRs (none by default). */
  VOICE_ICE_ALLOWED_REMOTE_CIDRS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.cidrv4(), z.cidrv6()]))),
  /** The UDP ports media may use (one per participant's session), inclusive. */
  VOICE_UDP_PORT_MIN: z.coerce.number().int().min(1024).max(65535).default(40_000),
  VOICE_UDP_PORT_MAX: z.coerce.number().int().min(1024).max(65535).default(49_999),
  /** How many of a voice channel's loudest speakers are forwarded to each participant. */
  VOICE_MAX_FORWARDED_SPEAKERS: z.coerce.number().int().min(1).max(16).default(3),
  /** How long a participant whose connection dropped stays listed before an event removes it. */
  VOICE_GRACE_MS: positiveInt(15_000),
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
  if (config.NODE_ENV === 'production' && !config.JWT_PRIVATE_KEY && config.JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
    throw new Error('invalid configuration:\n  JWT_SECRET: production needs its own secret (at least 32 bytes) or JWT_PRIVATE_KEY');
  }
  if (config.VOICE_UDP_PORT_MIN >= config.VOICE_UDP_PORT_MAX) {
    throw new Error('invalid configuration:\n  VOICE_UDP_PORT_MIN: must be below VOICE_UDP_PORT_MAX');
  }
  if (Boolean(config.ADMIN_EMAIL) !== Boolean(config.ADMIN_PASSWORD)) {
    throw new Error('invalid configuration:\n  ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither');
  }
  return config;
}

export const CONFIG = Symbol('Config');
