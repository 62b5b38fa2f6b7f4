/**
 * Read-your-writes for commands: a command that answers only once a view shows its effect (so the
 * client's next request is judged by it), or that checks a view before deciding, waits here until
 * the view has applied the log up to a position. The projection runtime implements it.
 */

/** The views commands wait for, by projection name (test/unit/read-model-views.test.ts keeps them real). */
export const READ_MODEL_VIEWS = ['users', 'roles', 'projects', 'voice'] as const;
export type ReadModelView = (typeof READ_MODEL_VIEWS)[number];

export interface ReadModelProgress {
  /**
   * Resolves once `view` has applied the log up to `position` (at once when it is undefined);
   * after the configured bounded wait it rejects with the runtime's not-caught-up error, which
   * HTTP answers as 503 with Retry-After.
   */
  waitFor(view: ReadModelView, position: number | undefined): Promise<void>;
  /** The same wait, bounded by `timeoutMs` when given, answering whether the view got there instead of failing. */
  reached(view: ReadModelView, position: number, timeoutMs?: number): Promise<boolean>;
}

export const READ_MODEL_PROGRESS = Symbol('ReadModelProgress');
