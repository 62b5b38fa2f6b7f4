/** The known-customers port (src/ports/known-customers.port.ts) over the customers view. */
import type { KnownCustomers } from '../../ports/known-customers.port';
import type { ReadModelDb } from '../runtime/projection';

export class ReadModelKnownCustomers implements KnownCustomers {
  constructor(private readonly db: ReadModelDb) {}

  async existing(customerIds: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(customerIds)];
    if (unique.length === 0) return new Set();
    const rows = await this.db.selectFrom('customers').select('id').where('id', 'in', unique).where('deleted_at', 'is', null).execute();
    return new Set(rows.map((row) => row.id));
  }
}
