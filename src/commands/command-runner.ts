/**
 * The one way commands change state: read the stream, fold it with the decider's `evolve`,
 * `decide`, append with the expected revision; on a concurrency conflict re-read and re-decide,
 * a bounded number of times. Folded streams are cached, so a command reads only what is new.
 * The stream itself is the idempotency record: when it already holds events of this command id,
 * the first result is returned and nothing is appended. Each command is traced and counted
 * (command-telemetry.ts); its events carry its span as their traceparent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Decider, DomainEvent } from '../domain/decider';
import { conflict } from '../domain/errors';
import { EVENT_STORE, EventStore, WrongExpectedRevisionError } from '../ports/event-store.port';
import { CONFIG, type Config } from '../config';
import { CommandContext, CommandResult, derivedId } from './command-context';
import { KeyedLanes } from './keyed-lanes';
import { FoldedStreams } from './folded-streams';
import { activeTraceparent, CommandTelemetry } from './command-telemetry';

export interface CommandTarget {
  id: string;
  stream: string;
}

export const EVENT_SCHEMA_VERSION = 1;
/** Streams whose folded state stays in memory between commands. */
const FOLDED_STREAMS_CACHED = 10_000;

@Injectable()
export class CommandRunner {
  private inFlight = 0;
  private draining = false;
  private drained?: () => void;
  private readonly lanes = new KeyedLanes();
  private readonly folded = new FoldedStreams(FOLDED_STREAMS_CACHED);
  private readonly telemetry = new CommandTelemetry();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: Pick<Config, 'COMMAND_MAX_RETRIES'>,
  ) {}

  async run<C extends { type: string }, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    target: CommandTarget,
    command: C,
    context: CommandContext,
  ): Promise<CommandResult> {
    if (this.draining) throw new ServiceUnavailableException('the server is shutting down');
    this.inFlight++;
    try {
      return await this.telemetry.observe(command.type, target.stream, () => this.lanes.run(target.stream, () => this.decideAndAppend(decider, target, command, context)));
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    }
  }

  /** A stream's current state, folded from the log (and the cache): for decisions that span two streams. */
  async current<E extends DomainEvent, S>(decider: Decider<unknown, E, S>, stream: string): Promise<S> {
    return (await this.folded.catchUp(this.store, decider, stream)).state;
  }

  /** Refuses new commands and resolves when those in flight have finished. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => (this.drained = resolve));
  }

  private async decideAndAppend<C extends { type: string }, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    target: CommandTarget,
    command: C,
    context: CommandContext,
  ): Promise<CommandResult> {
    // The command's span, when traced: the relay, projector and gateway spans continue from it.
    const metadata = { ...context, traceparent: activeTraceparent() ?? context.traceparent, schemaVersion: EVENT_SCHEMA_VERSION };
    for (let attempt = 0; attempt <= this.config.COMMAND_MAX_RETRIES; attempt++) {
      const folded = await this.folded.catchUp(this.store, decider, target.stream);
      const earlier = folded.commands.get(context.commandId);
      if (earlier) return { id: target.id, ...earlier };

      const events = decider.decide(command, folded.state);
      if (events.length === 0) return { id: target.id, revision: folded.revision, position: folded.position };

      try {
        const appended = await this.store.append(
          target.stream,
          events.map((event, index) => ({
            id: derivedId(context.commandId, `${target.stream}#${index}`),
            type: event.type,
            data: event.data,
            metadata,
          })),
          folded.revision === -1 ? 'no_stream' : folded.revision,
        );
        this.folded.appended(target.stream, decider, folded, events, context.commandId, appended);
        return { id: target.id, ...appended };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt < this.config.COMMAND_MAX_RETRIES) this.telemetry.retried(command.type);
        await sleep(Math.random() * 5 * 2 ** attempt); // another process won; let it finish before re-reading
      }
    }
    throw conflict('ConcurrentChangesExhaustedRetries', `${target.stream} kept changing; the command was retried ${this.config.COMMAND_MAX_RETRIES} times`);
  }

}
