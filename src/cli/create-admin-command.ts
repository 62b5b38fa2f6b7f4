/**
 * `create-admin <email> [--username <name>] [--display-name <name>]`: registers an admin through
 * the same RegisterUser command as sign-up and ADMIN_EMAIL at start-up (credentials reserved,
 * UserRegistered appended, the users view waited for), never by writing a table. The password
 * comes from ADMIN_PASSWORD or stdin (a hidden prompt on a terminal). The app's modules run in
 * this process without HTTP or websockets, with the relay and projectors (standbys beside a
 * running app), so that the new account reaches the users view even when no app runs.
 */
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { AppModule } from '../app.module';
import { loadConfig } from '../config';
import { createLogger } from '../adapters/logger';
import { RegisterBody } from '../adapters/http/identity/auth.schemas';
import { newCommandContext } from '../commands/command-context';
import { RegisterUser, RevokeSession } from '../commands/identity/identity.commands';
import { parseArguments } from './arguments';
import { UsageError } from './run-cli';

const CREATE_ADMIN_USAGE = `usage: create-admin <email> [--username <name>] [--display-name <name>]
       the password: ADMIN_PASSWORD=... or on stdin (prompted for on a terminal)`;

/** The users view may be catching up with a backlog when no app has been running. */
const USERS_VIEW_WAIT_MS = 60_000;

export async function createAdminCommand(args: readonly string[]): Promise<void> {
  const { positionals, values } = parseArguments(args, { username: { type: 'string' }, 'display-name': { type: 'string' } }, CREATE_ADMIN_USAGE);
  const [email, ...extra] = positionals;
  if (!email || extra.length > 0) throw new UsageError(CREATE_ADMIN_USAGE);
  const password = process.env.ADMIN_PASSWORD || (await readPassword());
  const parsed = RegisterBody.schema.safeParse({
    email,
    username: values.username ?? email.split('@')[0]!.replace(/[^A-Za-z0-9_.-]/g, ''),
    password,
    displayName: values['display-name'] ?? 'Administrator',
  });
  if (!parsed.success)
    throw new Error(`cannot create the admin:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || 'input'}: ${i.message}`).join('\n')}`);

  // ADMIN_EMAIL/ADMIN_PASSWORD configure the start-up admin; here the password is this command's input.
  const { ADMIN_EMAIL: _email, ADMIN_PASSWORD: _password, ...env } = process.env;
  const config = loadConfig({ ...env, REALTIME_ENABLED: 'false', READ_YOUR_WRITES_TIMEOUT_MS: String(USERS_VIEW_WAIT_MS) });
  const log = createLogger({ LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, log), { logger: false, abortOnError: false });
  try {
    const commands = app.get(CommandBus);
    const context = newCommandContext({ actorId: null });
    const registered = await commands.execute(new RegisterUser(parsed.data, { ip: null, userAgent: 'switchboard cli' }, context, 'admin'));
    // Registering opens a session; nobody here holds its tokens.
    const revoke = newCommandContext({ actorId: registered.userId, correlationId: context.correlationId, causationId: context.commandId });
    await commands.execute(new RevokeSession({ sessionId: registered.sessionId, userId: registered.userId }, revoke));
    console.log(`created admin ${parsed.data.email} (username ${parsed.data.username}, user ${registered.userId})`);
  } finally {
    await app.close();
  }
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    // Keystrokes echo through the interface's output: a sink keeps the password off the screen.
    const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
    const prompt = createInterface({ input: process.stdin, output: silent, terminal: true });
    process.stderr.write('password: ');
    try {
      return await prompt.question('');
    } finally {
      prompt.close();
      process.stderr.write('\n');
    }
  }
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const [password] = text.split(/\r?\n/);
  if (!password) throw new UsageError(`no password: set ADMIN_PASSWORD or pass it on stdin\n${CREATE_ADMIN_USAGE}`);
  return password;
}
