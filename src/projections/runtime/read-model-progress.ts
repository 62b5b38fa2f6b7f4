/** The read-model progress port (src/ports/read-model-progress.port.ts) over the projections' checkpoints. */
import type { ReadModelProgress, ReadModelView } from '../../ports/read-model-progress.port';
import { ProjectionNotCaughtUpError, type ProjectionProgress } from './projection-progress';

export class CheckpointReadModelProgress implements ReadModelProgress {
  constructor(private readonly progress: ProjectionProgress) {}

  waitFor(view: ReadModelView, position: number | undefined): Promise<void> {
    return this.progress.waitFor(view, position);
  }

  async reached(view: ReadModelView, position: number, timeoutMs?: number): Promise<boolean> {
    try {
      await this.progress.waitFor(view, position, timeoutMs);
      return true;
    } catch (error) {
      if (error instanceof ProjectionNotCaughtUpError) return false;
      throw error;
    }
  }
}
