/**
 * HTTP optimistic concurrency: a resource's `ETag` is its stream revision (`"3"`); a write that
 * sends `If-Match: "3"` names the revision it was made against, and the command carries it to the
 * decider, which refuses a mismatch (412) atomically with the append. `If-Match: *` or no header
 * writes whatever the revision.
 */
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem } from '../problem-codes';
import { ProblemException } from '../problem-details.filter';

const STRONG_REVISION_TAG = /^"(\d{1,15})"$/;

export const etagOf = (revision: number) => `"${revision}"`;

export function setEtag(reply: FastifyReply, revision: number): void {
  void reply.header('etag', etagOf(revision));
}

/** The revision an `If-Match` header names; undefined when it names none. */
export function expectedRevisionOf(header: string | string[] | undefined): number | undefined {
  const value = (Array.isArray(header) ? header.join(',') : header)?.trim();
  if (value === undefined || value === '*') return undefined;
  const match = STRONG_REVISION_TAG.exec(value);
  if (!match) {
    throw new ProblemException(
      problem('validationFailed', 'If-Match takes one ETag this API gave out, like "3", or *', {
        errors: [{ path: 'headers.if-match', message: 'one strong entity tag, or *' }],
      }),
    );
  }
  return Number(match[1]);
}

/** `@IfMatch()`: the expected revision of a write, from its `If-Match` header. */
export const IfMatch = createParamDecorator((_: unknown, context: ExecutionContext) =>
  expectedRevisionOf(context.switchToHttp().getRequest<FastifyRequest>().headers['if-match']),
);
