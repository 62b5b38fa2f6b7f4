/** Row types of the auth adapter's tables, merged into the one DB interface. */
import type { ColumnType, Generated } from 'kysely';

export interface CredentialsTable {
  user_id: string;
  email: string;
  username: string;
  password_hash: string;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  created_at: Generated<Date>;
}

export interface AuthSessionsTable {
  id: string;
  user_id: string;
  created_at: Generated<Date>;
  last_used_at: Generated<Date>;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
  user_agent: string | null;
  ip: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  issued_at: Generated<Date>;
  expires_at: Date;
  used_at: Date | null;
}

export interface RateLimitWindowsTable {
  key: string;
  window_start: ColumnType<Date, Date | string, never>;
  hits: number;
}

declare module '../../projections/runtime/database' {
  interface DB {
    credentials: CredentialsTable;
    auth_sessions: AuthSessionsTable;
    refresh_tokens: RefreshTokensTable;
    rate_limit_windows: RateLimitWindowsTable;
  }
}
