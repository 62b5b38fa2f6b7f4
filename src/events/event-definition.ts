/**
 * What the catalog knows of one event type: the zod schema of its current version, and how data
 * written by each older version becomes the next one's. A context's catalog is a mapped type over its
 * event union, so a missing or misspelled event type, or a schema that does not produce the domain's
 * data type, does not compile.
 */
import type { z } from 'zod';
import type { DomainEvent } from '../domain/decider';

/** Lifts data written at one `schemaVersion` to the shape of the next. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface EventDefinition<Data> {
  /** The version new events are written at (`metadata.schemaVersion`), from 1. */
  readonly version: number;
  readonly schema: z.ZodType<Data>;
  /** `upcasters[v]` turns data of version v into version v + 1, for every v from 1 below `version`. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

export type EventCatalog<E extends DomainEvent> = { readonly [T in E['type']]: EventDefinition<Extract<E, { type: T }>['data']> };

/** An event type still at its first version. */
export const firstVersion = <Data>(schema: z.ZodType<Data>): EventDefinition<Data> => ({ version: 1, schema, upcasters: {} });
