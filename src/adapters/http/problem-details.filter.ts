/**
 * Every error leaves as RFC 9457 application/problem+json with a stable `code`.
 * Domain errors, validation errors, store conflicts and framework errors are mapped here,
 * and only here; anything unexpected is logged and answered as a 500 without internals.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodValidationException } from 'nestjs-zod';
import { ZodError } from 'zod';
import { DomainError } from '../../domain/errors';
import { WrongExpectedRevisionError } from '../../ports/event-store.port';
import { ShuttingDown } from '../../commands/shutting-down';
import { ProjectionNotCaughtUpError } from '../../projections/runtime/projection-progress';
import { LOGGER, type Logger } from '../logger';
import { ProblemDetails, problem } from './problem-codes';

export class ProblemException extends Error {
  constructor(
    readonly problem: ProblemDetails,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? problem.title);
  }
}

const domainProblems = {
  validation: 'ruleViolated',
  not_found: 'notFound',
  illegal_state: 'illegalState',
  conflict: 'conflict',
  precondition_failed: 'preconditionFailed',
  forbidden: 'forbidden',
  unauthenticated: 'invalidCredentials',
  locked: 'accountLocked',
} as const;

const statusProblems: Record<number, Parameters<typeof problem>[0]> = {
  400: 'validationFailed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'notFound',
  405: 'methodNotAllowed',
  409: 'conflict',
  413: 'payloadTooLarge',
  415: 'unsupportedMediaType',
  429: 'rateLimited',
};

/** The problem a domain error answers with: for a whole request here, and for each item of a batch. */
export function domainProblem(error: DomainError): ProblemDetails {
  const name = error.kind === 'conflict' && error.rule.endsWith('IsTaken') ? 'alreadyTaken' : domainProblems[error.kind];
  return problem(name, error.message, { rule: error.rule });
}

export function zodErrors(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { body, headers } = this.toProblem(exception, request);
    body.instance ??= request.url.split('?')[0];
    if (body.status >= 500 && body.code === problem('internal').code) {
      this.log.error({ err: exception, url: request.url, method: request.method }, 'unhandled error');
    }
    void reply
      .status(body.status)
      .headers({ 'content-type': 'application/problem+json', ...headers })
      .send(body);
  }

  private toProblem(exception: unknown, request: FastifyRequest): { body: ProblemDetails; headers?: Record<string, string> } {
    if (exception instanceof ProblemException) return { body: exception.problem, headers: exception.headers };
    if (exception instanceof ZodValidationException) {
      const zodError = exception.getZodError();
      return { body: problem('validationFailed', 'See errors for what to correct.', { errors: zodError instanceof ZodError ? zodErrors(zodError) : [] }) };
    }
    if (exception instanceof ZodError) return { body: problem('validationFailed', 'See errors for what to correct.', { errors: zodErrors(exception) }) };
    if (exception instanceof DomainError) {
      const headers = exception.retryAfterSeconds ? { 'retry-after': String(exception.retryAfterSeconds) } : undefined;
      return { body: domainProblem(exception), headers };
    }
    if (exception instanceof WrongExpectedRevisionError) {
      return { body: problem('concurrencyConflict', 'The resource changed while the command ran; read it again and retry.') };
    }
    if (exception instanceof ShuttingDown) return { body: problem('shuttingDown', exception.message) };
    if (exception instanceof ProjectionNotCaughtUpError) {
      return {
        body: problem('projectionNotCaughtUp', exception.message, {
          projection: exception.projection,
          minPosition: exception.minPosition,
          position: exception.checkpoint,
        }),
        headers: { 'retry-after': '1' },
      };
    }
    if (exception instanceof HttpException) return { body: this.fromHttpException(exception, request) };
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
      if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { body: problem('unsupportedMediaType', fastifyError.message) };
      if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { body: problem('payloadTooLarge', fastifyError.message) };
      return { body: problem('malformedBody', fastifyError.message) };
    }
    return { body: problem('internal', 'Something went wrong on our side; it has been logged.') };
  }

  private fromHttpException(exception: HttpException, request: FastifyRequest): ProblemDetails {
    const status = exception.getStatus();
    const name = statusProblems[status];
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : undefined;
    if (status === 404 && detail?.startsWith('Cannot ')) return problem('notFound', `No route ${request.method} ${request.url.split('?')[0]}`);
    // Nest wraps Fastify's body-parsing errors in a bare HttpException; its own 400s are subclasses.
    if (status === 400 && exception.constructor === HttpException) return problem('malformedBody', detail);
    if (name) return problem(name, detail);
    return { ...problem(status >= 500 ? 'internal' : 'validationFailed', detail), status };
  }
}
