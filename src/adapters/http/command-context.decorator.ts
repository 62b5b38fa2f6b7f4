/**
 * `@CommandCtx()` turns an HTTP request into the context stamped on a command's events:
 * the command id from `Idempotency-Key` (scoped to the actor), the W3C `traceparent`,
 * the correlation id from `X-Correlation-Id` (or the command id).
 */
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CommandContext, commandIdFor } from '../../commands/command-context';
import { problem } from './problem-codes';
import { ProblemException } from './problem-details.filter';

const idempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const traceparent = z.string().regex(/^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/);

export function commandContextOf(request: FastifyRequest & { user?: { id: string } }): CommandContext {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const key = header('idempotency-key');
  if (key !== undefined && !idempotencyKey.safeParse(key).success) {
    throw new ProblemException(
      problem('validationFailed', 'Idempotency-Key must be 1-200 printable ASCII characters', {
        errors: [{ path: 'headers.idempotency-key', message: 'invalid' }],
      }),
    );
  }
  const actorId = request.user?.id ?? null;
  const commandId = commandIdFor(key, actorId);
  const correlation = header('x-correlation-id');
  const trace = header('traceparent');
  return {
    commandId,
    actorId,
    correlationId: correlation && correlation.length <= 200 ? correlation : commandId,
    causationId: commandId,
    traceparent: trace && traceparent.safeParse(trace).success ? trace : undefined,
  };
}

export const CommandCtx = createParamDecorator((_: unknown, context: ExecutionContext) => commandContextOf(context.switchToHttp().getRequest()));
