/**
 * The one way commands change state: read the stream, fold it with the decider's `evolve`,
 * `decide`, append with the expected revision; on a concurrency conflict re-read and re-decide,
 * a bounded number of times. The stream itself is the idempotency record: when it already holds
 * events of this command id, the first result is returned and nothing is appended.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Decider, DomainEvent, fold } from '../domain/decider';
import { conflict } from '../domain/errors';
import { EVENT_STORE, EventStore, RecordedEvent, WrongExpectedRevisionError } from '../ports/event-store.port';
import { CONFIG, type Config } from '../config';
import { CommandContext, CommandResult, derivedId } from './command-context';
import { KeyedLanes } from './keyed-lanes';

export interface CommandTarget {
  id: string;
  stream: string;
}

export const EVENT_SCHEMA_VERSION = 1;

@Injectable()
export class CommandRunner {
  private inFlight = 0;
  private draining = false;
  private drained?: () => void;
  private readonly lanes = new KeyedLanes();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: Pick<Config, 'COMMAND_MAX_RETRIES'>,
  ) {}

  async run<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    target: CommandTarget,
    command: C,
    context: CommandContext,
  ): Promise<CommandResult> {
    if (this.draining) throw new ServiceUnavailableException('the server is shutting down');
    this.inFlight++;
    try {
      return await this.lanes.run(target.stream, () => this.decideAndAppend(decider, target, command, context));
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  /** Refuses new commands and resolves when those in flight have finished. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => (this.drained = resolve));
  }

  private async decideAndAppend<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    target: CommandTarget,
    command: C,
    context: CommandContext,
  ): Promise<CommandResult> {
    for (let attempt = 0; attempt <= this.config.COMMAND_MAX_RETRIES; attempt++) {
      const history = await this.store.readStream(target.stream);
      const earlier = history.filter((e) => e.metadata.commandId === context.commandId);
      if (earlier.length > 0) return resultOf(target, earlier);

      const state = fold(decider, history as unknown as E[]);
      const events = decider.decide(command, state);
      const last = history[history.length - 1];
      if (events.length === 0) return { id: target.id, revision: last?.revision ?? -1, position: last?.position ?? 0 };

      try {
        const appended = await this.store.append(
          target.stream,
          events.map((event, index) => ({
            id: derivedId(context.commandId, `${target.stream}#${index}`),
            type: event.type,
            data: event.data,
            metadata: { ...context, schemaVersion: EVENT_SCHEMA_VERSION },
          })),
          last ? last.revision : 'no_stream',
        );
        return { id: target.id, ...appended };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        await sleep(Math.random() * 5 * 2 ** attempt); // another process won; let it finish before re-reading
      }
    }
    throw conflict('ConcurrentChangesExhaustedRetries', `${target.stream} kept changing; the command was retried ${this.config.COMMAND_MAX_RETRIES} times`);
  }
}

function resultOf(target: CommandTarget, events: RecordedEvent[]): CommandResult {
  const last = events[events.length - 1]!;
  return { id: target.id, revision: last.revision, position: last.position };
}
