/** Command-line arguments through node:util parseArgs; a malformed line is a UsageError (exit 2). */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { UsageError } from './run-cli';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseArguments<O extends Options>(args: readonly string[], options: O, usage: string) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  }
}

/** A non-negative integer in decimal digits, or a UsageError naming the option. */
export function nonNegativeInteger(value: string, option: string, usage: string): number {
  if (!/^\d{1,16}$/.test(value)) throw new UsageError(`${option} takes a non-negative integer, not ${JSON.stringify(value)}\n${usage}`);
  return Number(value);
}
