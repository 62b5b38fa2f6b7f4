/**
 * The server's version of records a sync push names: when each last changed, whether it is
 * deleted, whose it is. A push is refused when a record of the user's changed on the server after
 * the client's last pull; the `projects` view answers, once it has caught up with the streams read.
 */
import type { RecordRef } from '../domain/projects/pushed-records-refused';

export interface SyncedVersion extends RecordRef {
  ownerId: string;
  /** The server timestamp of the record's last change (as pulls report it). */
  lastModified: number;
  deleted: boolean;
}

export interface SyncedVersions {
  /** The version of each record the server has; records it never had are left out. */
  of(records: readonly RecordRef[]): Promise<SyncedVersion[]>;
}

export const SYNCED_VERSIONS = Symbol('SyncedVersions');
