/**
 * Who sends a command and why: stamped as metadata on every event it appends.
 * The command id makes a command idempotent: the same id yields the same event ids and the
 * same new entity ids, so a repeated command appends nothing.
 */
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

const NAMESPACE = 'a3b6f4d2-3c1e-4f7a-9a55-5b0c1e6d7f20';

export interface CommandContext {
  commandId: string;
  actorId: string | null;
  correlationId: string;
  causationId: string;
  traceparent?: string;
}

export interface CommandResult {
  /** The entity the command acted on. */
  id: string;
  /** The stream's revision after the command. */
  revision: number;
  /** `$all` position of the command's last event: pass it as `minPosition` to read your write. */
  position: number;
}

/** An `Idempotency-Key` is scoped to its sender: two users choosing the same key do not collide. */
export function commandIdFor(idempotencyKey: string | undefined, actorId: string | null): string {
  return idempotencyKey ? uuidv5(`${actorId ?? 'anonymous'}\n${idempotencyKey}`, NAMESPACE) : randomUUID();
}

/** A deterministic id derived from the command: a new ticket's id, the i-th event's id, … */
export function derivedId(commandId: string, purpose: string): string {
  return uuidv5(`${commandId}\n${purpose}`, NAMESPACE);
}

export function newCommandContext(partial: Partial<CommandContext> & { actorId: string | null }): CommandContext {
  const commandId = partial.commandId ?? randomUUID();
  return {
    commandId,
    actorId: partial.actorId,
    correlationId: partial.correlationId ?? commandId,
    causationId: partial.causationId ?? commandId,
    traceparent: partial.traceparent,
  };
}
