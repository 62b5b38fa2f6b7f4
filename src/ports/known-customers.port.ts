/**
 * Which customers the customers view shows as existing, for commands of other streams that name
 * many at once (a group's members). The view may lag: a customer it does not know yet may exist
 * in the log, which the command then asks (src/commands/customers/existing-customers.ts).
 */
export interface KnownCustomers {
  /** Those of `customerIds` the view has, not deleted. */
  existing(customerIds: readonly string[]): Promise<Set<string>>;
}

export const KNOWN_CUSTOMERS = Symbol('KnownCustomers');
