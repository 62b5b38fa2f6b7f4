/** `npm run projections -- status | rebuild <name> | rebuild --all`: the projections commands of `npm run cli` on their own. */
import { runCli } from './run-cli';
import { projectionsCommand } from './projections-command';

runCli(() => projectionsCommand(process.argv.slice(2)));
