import { describe, expect, it } from 'vitest';
import { loadConfig, runModeOf } from '../../src/config';

describe('configuration', () => {
  it('runs embedded with nothing set, on port 3000 with data under ./data', () => {
    const config = loadConfig({});
    expect(runModeOf(config)).toBe('embedded');
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', NATS_STREAM: 'EVENTS', NATS_SUBJECT_PREFIX: 'events' });
  });

  it('names the mode from what is configured', () => {
    expect(runModeOf(loadConfig({ DATABASE_URL: 'postgres://localhost/x', NATS_URL: 'nats://localhost:4222' }))).toBe('postgres');
    expect(runModeOf(loadConfig({ DATABASE_URL: 'postgres://localhost/x', EVENTSTORE_URL: 'kurrentdb://localhost:2113' }))).toBe('full');
  });

  it('refuses what it cannot use, saying which variable is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ EVENTSTORE_URL: 'kurrentdb://localhost:2113' })).toThrow(/DATABASE_URL: required/);
  });

  it('refuses to start in production with the development secret, or with half an admin', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: production needs its own secret/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-at-least-32-bytes!!' })).not.toThrow();
    expect(() => loadConfig({ JWT_SECRET: 'too short' })).toThrow(/at least 32 bytes/);
    expect(() => loadConfig({ ADMIN_EMAIL: 'root@example.com' })).toThrow(/set both or neither/);
  });
});
