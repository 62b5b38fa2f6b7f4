/**
 * /api/v1/audit: the audit trail, read from the event log itself (never from a mutable table, so
 * it cannot disagree with what happened). One stream's history, or `$all` filtered by actor, type
 * and time, paged by global position. Every route needs `audit:read` (roles auditor and admin).
 */
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { notFound } from '../../../domain/errors';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../../ports/event-store.port';
import { RequirePermission } from '../../auth/authenticated-user';

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;
/** More types in one query than this is a scan of everything in disguise. */
const MAX_TYPES = 50;

/**
 * A non-negative integer in decimal digits. Query strings carry text; digits only, so that
 * `1e3`, `0x10` or ` 5` are refused rather than read as numbers they only resemble.
 */
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const limit = integer(1, MAX_LIMIT).default(DEFAULT_LIMIT).describe(`page size, 1-${MAX_LIMIT}, default ${DEFAULT_LIMIT}`);
const instant = z.iso
  .datetime({ offset: true, error: 'an ISO 8601 date-time with a time zone, e.g. 2025-01-31T12:00:00Z' })
  .transform((value) => new Date(value));
const eventType = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'an event type: 1-100 letters, digits, _ . -');
/** `?type=A&type=B`, `?type=A,B` or both. */
const eventTypes = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((part) => part.split(',')).map((type) => type.trim()))
  .pipe(z.array(eventType).min(1).max(MAX_TYPES));

/** Fastify refuses a path parameter over 100 characters (its maxParamLength) with 414 before this runs. */
export class AuditStreamParams extends createZodDto(
  z.object({
    stream: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,50}-[A-Za-z0-9_.-]{1,100}$/, '<category>-<id>: a category of letters, digits and _, a dash, then 1-100 letters, digits, _ . -'),
  }),
) {}

export class AuditStreamQuery extends createZodDto(
  z.strictObject({
    fromRevision: integer(0, Number.MAX_SAFE_INTEGER).default(0).describe('the first revision to return, default 0'),
    limit,
  }),
) {}

export class AuditEventsQuery extends createZodDto(
  z
    .strictObject({
      actorId: z.guid('a user id (uuid)').optional().describe('only events whose metadata.actorId is this user'),
      type: eventTypes.optional().describe(`only these event types (at most ${MAX_TYPES}), repeated or comma-separated`),
      from: instant.optional().describe('only events recorded at or after this instant'),
      to: instant.optional().describe('only events recorded at or before this instant'),
      after: integer(0, Number.MAX_SAFE_INTEGER).default(0).describe('a position: only events after it (the `next` of the previous page), default 0'),
      limit,
    })
    .refine(({ from, to }) => !from || !to || from.getTime() <= to.getTime(), { path: ['to'], message: 'to must not be before from' }),
) {}

/** What the API shows of an event: every field, metadata spelled out so its shape stays fixed. */
function toAuditEvent(event: RecordedEvent) {
  const { actorId, commandId, correlationId, causationId, traceparent, schemaVersion } = event.metadata;
  return {
    id: event.id,
    stream: event.stream,
    revision: event.revision,
    position: event.position,
    type: event.type,
    data: event.data,
    metadata: { actorId: actorId ?? null, commandId, correlationId, causationId, traceparent: traceparent ?? null, schemaVersion },
    recordedAt: event.recordedAt.toISOString(),
  };
}

/** The cursor for the next page, or null when this page was not full (nothing more, for now). */
function nextCursor<T>(items: readonly T[], pageSize: number, cursorOf: (last: T) => number): number | null {
  const last = items[items.length - 1];
  return items.length === pageSize && last !== undefined ? cursorOf(last) : null;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
@RequirePermission('audit:read')
export class AuditController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('streams/:stream')
  @RequirePermission('audit:read')
  @ApiOperation({ summary: "A stream's events in revision order; `next` is the fromRevision of the next page, null after the last." })
  async stream(@Param() { stream }: AuditStreamParams, @Query() { fromRevision, limit }: AuditStreamQuery) {
    const events = await this.store.readStream(stream, { fromRevision, maxCount: limit });
    if (events.length === 0) await this.assertStreamExists(stream);
    return { stream, items: events.map(toAuditEvent), next: nextCursor(events, limit, (last) => last.revision + 1) };
  }

  @Get('events')
  @RequirePermission('audit:read')
  @ApiOperation({
    summary: '`$all` filtered by actor, type (repeat or comma-separate) and time; `next` is the `after` of the next page, null when this page was not full.',
  })
  async events(@Query() query: AuditEventsQuery) {
    const events = await this.store.queryAll({
      after: query.after,
      limit: query.limit,
      types: query.type,
      actorId: query.actorId,
      from: query.from,
      to: query.to,
    });
    return { items: events.map(toAuditEvent), next: nextCursor(events, query.limit, (last) => last.position) };
  }

  /** An empty page past the end of a stream is an answer; a stream with no events at all is a 404. */
  private async assertStreamExists(stream: string): Promise<void> {
    const [first] = await this.store.readStream(stream, { maxCount: 1 });
    if (!first) throw notFound('AuditedStreamExists', `stream ${stream} has no events`);
  }
}
