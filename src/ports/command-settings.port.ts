/**
 * The settings command handling reads, under their environment names: src/config.ts validates
 * them and the composition root provides the validated config under COMMAND_SETTINGS, so commands
 * depend on this much of it and not on the config module.
 */
export interface CommandSettings {
  /** Re-reads and re-decisions after a concurrency conflict before a command gives up (409). */
  COMMAND_MAX_RETRIES: number;
  /** Consecutive failed logins that lock an account, and for how long. */
  AUTH_LOCKOUT_THRESHOLD: number;
  AUTH_LOCKOUT_MINUTES: number;
  REFRESH_TOKEN_TTL_DAYS: number;
  /** The first admin, created at start-up when both are set. */
  ADMIN_EMAIL?: string;
  ADMIN_PASSWORD?: string;
  ADMIN_USERNAME: string;
}

export const COMMAND_SETTINGS = Symbol('CommandSettings');
