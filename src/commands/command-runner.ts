/**
 * The one way commands change state: read the streams a command needs, fold them with their
 * deciders' `evolve`, decide, append with each stream's expected revision (several streams in one
 * atomic appendMany); on a concurrency conflict re-read and re-decide, a bounded number of times.
 * A one-stream command (`run`) is the common case of a many-stream one (`runMany`), and both get
 * the same parts: in-process lanes (keyed-lanes.ts), the cache of folded streams, so a command
 * reads only what is new (folded-streams.ts), idempotency, since the streams themselves record
 * which commands ran (stream-reads.ts), event ids and metadata (stream-appends.ts), a span and
 * counts (command-telemetry.ts), and the shutdown drain (commands-in-flight.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Attributes } from '@opentelemetry/api';
import type { Decider, DomainEvent } from '../domain/decider';
import { conflict } from '../domain/errors';
import { EVENT_STORE, EventStore, WrongExpectedRevisionError, type AppendResult, type EventMetadata } from '../ports/event-store.port';
import { COMMAND_SETTINGS, type CommandSettings } from '../ports/command-settings.port';
import type { CommandContext, CommandResult } from './command-context';
import { CommandTelemetry } from './command-telemetry';
import { CommandsInFlight } from './commands-in-flight';
import { FoldedStreams } from './folded-streams';
import { KeyedLanes } from './keyed-lanes';
import { appendOf, commandMetadata } from './stream-appends';
import { StreamChange, StreamRead, StreamReads, StreamsResult } from './stream-reads';
import type { StreamsCommand } from './streams-command';

export { EVENT_SCHEMA_VERSION } from './stream-appends';

export interface CommandTarget {
  id: string;
  stream: string;
}

/** Streams whose folded state stays in memory between commands (sync pushes fold many at once). */
const FOLDED_STREAMS_CACHED = 20_000;

@Injectable()
export class CommandRunner {
  private readonly inFlight = new CommandsInFlight();
  private readonly lanes = new KeyedLanes();
  private readonly folded = new FoldedStreams(FOLDED_STREAMS_CACHED);
  private readonly telemetry = new CommandTelemetry();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(COMMAND_SETTINGS) private readonly settings: Pick<CommandSettings, 'COMMAND_MAX_RETRIES'>,
  ) {}

  /** A command of one stream's decider: its events, if any, are appended to that stream. */
  async run<C extends { type: string }, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    target: CommandTarget,
    command: C,
    context: CommandContext,
  ): Promise<CommandResult> {
    const oneStream: StreamsCommand<StreamRead<E, S>> = {
      type: command.type,
      lanes: [target.stream],
      read: (streams) => streams.fold(decider, target.stream),
      decide: (read) => [read.change(decider.decide(command, read.state))],
    };
    const result = await this.execute(oneStream, context, { 'switchboard.stream': target.stream });
    return { id: target.id, ...result.streams.get(target.stream)! };
  }

  /** A command decided over several streams: the changes it decides are appended all or nothing. */
  runMany<Read>(command: StreamsCommand<Read>, context: CommandContext): Promise<StreamsResult> {
    return this.execute(command, context, {});
  }

  /** A stream's current state, folded from the log (and the cache): for decisions that span two streams. */
  async current<E extends DomainEvent, S>(decider: Decider<unknown, E, S>, stream: string): Promise<S> {
    return (await this.folded.catchUp(this.store, decider, stream)).state;
  }

  /** Refuses new commands (ShuttingDown) and resolves when those in flight have finished. */
  drain(): Promise<void> {
    return this.inFlight.drain();
  }

  private execute<Read>(command: StreamsCommand<Read>, context: CommandContext, attributes: Attributes): Promise<StreamsResult> {
    return this.inFlight.track(() =>
      this.telemetry.observe(command.type, attributes, () => this.lanes.runAll(command.lanes, () => this.decideAndAppend(command, context))),
    );
  }

  private async decideAndAppend<Read>(command: StreamsCommand<Read>, context: CommandContext): Promise<StreamsResult> {
    const metadata = commandMetadata(context);
    const retries = this.settings.COMMAND_MAX_RETRIES;
    let lost: WrongExpectedRevisionError | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const streams = new StreamReads(this.store, this.folded);
      const read = await command.read(streams);
      const earlier = streams.earlier(context.commandId);
      if (earlier) return earlier;

      const changes = (await command.decide(read)).filter((change) => change.events.length > 0);
      if (changes.length === 0) return streams.result();
      try {
        const results = await this.append(changes, metadata);
        changes.forEach((change, index) => change.appended(results[index]!, context.commandId));
        return streams.result(changes, results);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        lost = error;
        if (attempt === retries) break;
        this.telemetry.retried(command.type);
        await sleep(Math.random() * 5 * 2 ** attempt); // another process won; let it finish before re-reading
      }
    }
    throw conflict('ConcurrentChangesExhaustedRetries', `${lost?.stream ?? 'a stream'} kept changing; the command was retried ${retries} times`);
  }

  /** One stream needs no transaction around its append; several go in one, all or nothing. */
  private async append(changes: readonly StreamChange[], metadata: EventMetadata): Promise<AppendResult[]> {
    const appends = changes.map((change) => appendOf(change, metadata));
    const [only] = appends;
    if (only && appends.length === 1) return [await this.store.append(only.stream, only.events, only.expectedRevision)];
    return this.store.appendMany(appends);
  }
}
