/** Path parameters and answers of the projection admin endpoints (the answers document the OpenAPI responses). */
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export class ProjectionParams extends createZodDto(
  z.object({ name: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a projection name: 1-100 letters, digits, _ and -') }),
) {}

const instant = z.iso.datetime();

const rebuildRun = z.object({
  startedAt: instant,
  finishedAt: instant.nullable().describe('null while it runs'),
  from: z.number().int().describe('position before the first event of the log'),
  position: z.number().int().describe('the last position replayed'),
  head: z.number().int().describe('the log head it replays up to'),
  events: z.number().int(),
  error: z.string().nullable().describe('why it stopped early, if it did'),
});

const projectionStatus = z.object({
  name: z.string(),
  state: z
    .enum(['live', 'rebuilding', 'failed'])
    .describe('failed: its latest attempt failed and it has not advanced since (retrying an event before parking it, or the database failing)'),
  checkpoint: z.number().int().describe('position of the last event applied or skipped'),
  lag: z.object({
    positions: z.number().int().describe('head minus checkpoint; 0 when caught up (positions may be sparse: not a count of events)'),
    seconds: z.number().describe('age of the oldest event not applied yet; 0 when caught up'),
  }),
  lastError: z.object({ message: z.string(), at: instant.nullable() }).nullable(),
  failingSince: instant.nullable(),
  parked: z.object({
    count: z.number().int(),
    latest: z.array(
      z.object({
        position: z.number().int(),
        eventId: z.uuid(),
        stream: z.string(),
        type: z.string(),
        error: z.string(),
        attempts: z.number().int(),
        parkedAt: instant,
      }),
    ),
  }),
  rebuild: rebuildRun.nullable().describe('the latest rebuild started through this API on the node that answers'),
});

export class ProjectionsReport extends createZodDto(
  z.object({ head: z.number().int().describe('position of the newest readable event'), projections: z.array(projectionStatus) }),
) {}

export class RebuildAccepted extends createZodDto(z.object({ projection: z.string(), state: z.literal('rebuilding'), rebuild: rebuildRun })) {}

export type ProjectionStatusBody = z.infer<typeof projectionStatus>;
export type RebuildRunBody = z.infer<typeof rebuildRun>;
