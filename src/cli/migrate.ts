/** `npm run migrate`: the migrate command of `npm run cli` on its own. */
import { runCli } from './run-cli';
import { migrateCommand } from './migrate-command';

runCli(migrateCommand);
