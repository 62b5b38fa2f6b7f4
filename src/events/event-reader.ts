/**
 * The one way a stored event becomes a typed one: `read` upcasts its data from the version it was
 * written at to the current one, then parses it with the current schema. The event store and
 * JetStream edges read every event through it once; inside, code narrows events by type and never
 * casts their data. `check` holds each new event to its schema before it is appended.
 */
import type { z } from 'zod';
import type { RecordedEvent } from '../ports/event-store.port';
import type { EventDefinition } from './event-definition';
import { EventSchemaError } from './event-schema-error';

/** Any catalog: the application's (app-event-catalog.ts), or it with a test's fixtures added. */
export type EventDefinitions = Readonly<Record<string, EventDefinition<unknown>>>;

const issuesOf = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`);

export class EventReader {
  private readonly definitions: ReadonlyMap<string, EventDefinition<unknown>>;

  constructor(catalog: EventDefinitions) {
    this.definitions = new Map(Object.entries(catalog));
    for (const [type, { version, upcasters }] of this.definitions) {
      for (let from = 1; from < version; from++) if (!upcasters[from]) throw new Error(`event ${type}: no upcaster from version ${from} to ${from + 1}`);
    }
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  /** The version an event of this type is written at now. */
  versionOf(type: string): number {
    return this.definitions.get(type)?.version ?? 1;
  }

  /** The stored event as the current code knows it, or an EventSchemaError saying why it cannot be read. */
  read(stored: RecordedEvent): RecordedEvent {
    const written = stored.metadata.schemaVersion;
    const place = { type: stored.type, stream: stored.stream, revision: stored.revision, position: stored.position, schemaVersion: written };
    const definition = this.definitions.get(stored.type);
    if (!definition) throw new EventSchemaError(place, 'no such event type in the catalog');
    if (!Number.isInteger(written) || written < 1 || written > definition.version) {
      throw new EventSchemaError(place, `this code reads versions 1 to ${definition.version} only`);
    }
    let data = stored.data;
    for (let version = written; version < definition.version; version++) data = definition.upcasters[version]!(data);
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new EventSchemaError(place, 'data fails its schema', issuesOf(parsed.error));
    if (written === definition.version) return stored; // parsed as it is: nothing to copy
    return { ...stored, data, metadata: { ...stored.metadata, schemaVersion: definition.version } };
  }

  /** Holds an event about to be appended to `stream` to its type's current schema, so that a bug never reaches the log. */
  check(stream: string, { type, data }: { type: string; data: Record<string, unknown> }): void {
    const definition = this.definitions.get(type);
    const place = { type, stream, schemaVersion: definition?.version ?? 1 };
    if (!definition) throw new EventSchemaError(place, 'no such event type in the catalog');
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new EventSchemaError(place, 'data fails its schema', issuesOf(parsed.error));
  }
}
