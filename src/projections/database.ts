/**
 * The one interface that types every table of the read-model database.
 * Each view adds its tables here; engine tables come first.
 */
import type { ColumnType } from 'kysely';

export type ProjectionStatus = 'live' | 'rebuilding';

export interface ProjectionCheckpointsTable {
  name: string;
  /** Position of the last event of `$all` this projection has applied (or skipped). */
  position: ColumnType<number, number | undefined, number>;
  status: ColumnType<ProjectionStatus, ProjectionStatus | undefined, ProjectionStatus>;
  last_error: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface RelayCheckpointsTable {
  name: string;
  position: number;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface DB {
  projection_checkpoints: ProjectionCheckpointsTable;
  relay_checkpoints: RelayCheckpointsTable;
}
