/** A sync push refused because of particular records: the error names them, so the client can tell which. */
import { DomainError } from '../errors';

export type SyncTable = 'projects' | 'tasks';

export interface RecordRef {
  table: SyncTable;
  id: string;
}

export class PushedRecordsRefused extends DomainError {
  constructor(
    cause: Pick<DomainError, 'kind' | 'rule' | 'message'>,
    readonly records: readonly RecordRef[],
  ) {
    super(cause.kind, cause.rule, cause.message);
  }
}
