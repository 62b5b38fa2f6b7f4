/**
 * The answer to a batch: one result per item, in request order, each either what the command
 * answered or the problem it would have answered alone (status, stable code, detail), so that a
 * client handles an item exactly as it would a single request.
 */
import { ZodError } from 'zod';
import { DomainError } from '../../../domain/errors';
import type { CustomerBatchOutcome } from '../../../commands/customers/batch-update-customers.handler';
import { ShuttingDown } from '../../../commands/shutting-down';
import type { Logger } from '../../logger';
import { problem, ProblemDetails } from '../problem-codes';
import { domainProblem, zodErrors } from '../problem-details.filter';

export type BatchItemResult =
  | { index: number; id: string; status: 200; revision: number; position: number }
  | { index: number; id: string | null; status: number; code: number; title: string; detail?: string; rule?: unknown; errors?: ProblemDetails['errors'] };

export function failedItem(index: number, id: string | null, details: ProblemDetails): BatchItemResult {
  const { status, code, title, detail, rule, errors } = details;
  return { index, id, status, code, title, detail, ...(rule ? { rule } : {}), ...(errors ? { errors } : {}) };
}

export function invalidItem(index: number, id: string | null, error: ZodError): BatchItemResult {
  return failedItem(index, id, problem('validationFailed', 'See errors for what to correct.', { errors: zodErrors(error) }));
}

export function itemResult(outcome: CustomerBatchOutcome, log: Logger): BatchItemResult {
  const { index, id } = outcome;
  if ('result' in outcome) return { index, id, status: 200, revision: outcome.result.revision, position: outcome.result.position };
  const { error } = outcome;
  if (error instanceof DomainError) return failedItem(index, id, domainProblem(error));
  if (error instanceof ShuttingDown) return failedItem(index, id, problem('shuttingDown', error.message));
  log.error({ err: error, customerId: id }, 'batch item failed');
  return failedItem(index, id, problem('internal', 'Something went wrong on our side; it has been logged.'));
}

/** Counts, and the position to pass as `minPosition` to read every change of the batch. */
export function batchAnswer(items: BatchItemResult[]) {
  const succeeded = items.filter((item): item is Extract<BatchItemResult, { status: 200 }> => item.status === 200);
  return { items, succeeded: succeeded.length, failed: items.length - succeeded.length, position: Math.max(0, ...succeeded.map((item) => item.position)) };
}
