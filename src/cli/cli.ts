/**
 * `npm run cli -- <command>`: the operator's commands in one place. Configuration comes from the
 * environment, as for the app. Exit codes: 0 done, 1 failed, 2 a wrong command line.
 */
import { runCli, UsageError } from './run-cli';

const USAGE = `usage: npm run cli -- <command> [options]

commands:
  replay <stream> [--from <revision>]     a stream's events as JSON lines
  replay --all [--from <position>]        $all from a position (inclusive) as JSON lines
  projections status                      each projection's state, checkpoint, lag and parked events
  projections lag, lag                    the same
  projections rebuild <name> | --all      rebuild read models from the log, with a progress bar
  projections drop <name> | --all --yes   drop read models (then: migrate, projections rebuild)
  create-admin <email> [--username <name>] [--display-name <name>]
                                          register an admin; the password from ADMIN_PASSWORD or stdin
  migrate                                 bring the schemas up to date
  help                                    this text

Configuration comes from the environment: DATABASE_URL, EVENTSTORE_URL, NATS_URL, DATA_DIR, ... (see README.md).
In embedded mode stop the app first: one process at a time may open the PGlite directory.`;

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0); // the reader went away (| head): nothing more to say
  throw error;
});

// A command's code (the app, the infrastructure) loads only when it is chosen: usage answers at once.
runCli(async () => {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'replay':
      return (await import('./replay-command.js')).replayCommand(args);
    case 'projections':
      return (await import('./projections-command.js')).projectionsCommand(args);
    case 'lag':
      return (await import('./projections-command.js')).projectionsCommand(['status', ...args]);
    case 'create-admin':
      return (await import('./create-admin-command.js')).createAdminCommand(args);
    case 'migrate':
      if (args.length > 0) throw new UsageError(USAGE);
      return (await import('./migrate-command.js')).migrateCommand();
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(command ? `unknown command ${command}\n${USAGE}` : USAGE);
  }
});
