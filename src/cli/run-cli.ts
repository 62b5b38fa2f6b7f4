/** How an operator command ends: exit 0 when done (after stdout is flushed), 1 on an error, 2 on a usage error. */

/** The command line was wrong: the usage is printed and the exit code is 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function runCli(main: () => Promise<void>): void {
  main().then(
    () => process.stdout.write('', () => process.exit(0)),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
