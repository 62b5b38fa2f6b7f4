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
  last_error_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Set while the projector retries a failing event (or an unreachable database); cleared when it advances. */
  failing_since: ColumnType<Date | null, Date | null | undefined, Date | null>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** An event a projection gave up on after its retries (a poison message); its checkpoint moved past it. */
export interface ProjectionParkedEventsTable {
  projection: string;
  position: number;
  event_id: string;
  stream: string;
  event_type: string;
  error: string;
  attempts: number;
  parked_at: ColumnType<Date, Date | undefined, Date>;
}

export interface RelayCheckpointsTable {
  name: string;
  position: number;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface DB {
  projection_checkpoints: ProjectionCheckpointsTable;
  projection_parked_events: ProjectionParkedEventsTable;
  relay_checkpoints: RelayCheckpointsTable;
}
