/**
 * Which customers exist, for commands of other streams that name them (a group's members, a
 * ticket's customer). The customers view answers for most at once; those it does not know yet
 * (created a moment ago) are looked up in the log, which is never behind.
 */
import { customerDecider, customerStream } from '../../domain/customers/customer.decider';
import type { KnownCustomers } from '../../ports/known-customers.port';
import type { CommandRunner } from '../command-runner';
import { mapConcurrently } from '../map-concurrently';

/** Log reads in flight at once for the customers the view does not know yet (a request names up to 500). */
const LOOKUPS_IN_FLIGHT = 16;

export async function customerExists(runner: CommandRunner, customerId: string): Promise<boolean> {
  return (await runner.current(customerDecider, customerStream(customerId))).phase === 'existing';
}

/** Those of `customerIds` that name no existing customer. */
export async function unknownCustomers(known: KnownCustomers, runner: CommandRunner, customerIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(customerIds)];
  if (unique.length === 0) return [];
  const seen = await known.existing(unique);
  const unseen = unique.filter((id) => !seen.has(id));
  const exists = await mapConcurrently(unseen, LOOKUPS_IN_FLIGHT, (id) => customerExists(runner, id));
  return unseen.filter((_, i) => !exists[i]);
}
