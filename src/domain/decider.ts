/**
 * A decider is the whole of an aggregate's behaviour as three pure functions:
 * the state before anything happened, how an event changes the state, and which events a
 * command produces from a state. No framework, no IO, no clock: time arrives in the command.
 */
export interface DomainEvent<Type extends string = string, Data extends Record<string, unknown> = Record<string, unknown>> {
  type: Type;
  data: Data;
}

export interface Decider<Command, Event extends DomainEvent, State> {
  /** Every type of event the decider folds (`eventTypes`): what its stream may hold. */
  readonly eventTypes: ReadonlySet<string>;
  initialState(): State;
  evolve(state: State, event: Event): State;
  /** Returns the events the command produces, or throws a DomainError. */
  decide(command: Command, state: State): Event[];
}

/** The types of an event union, each listed once: a missing or unknown one does not compile. */
export function eventTypes<Event extends DomainEvent>(types: { readonly [T in Event['type']]: true }): ReadonlySet<string> {
  return new Set(Object.keys(types));
}

/** Whether `event` is one the decider folds: how an event read from a stream gets the decider's type. */
export function isEventOf<Event extends DomainEvent, State, Read extends DomainEvent>(
  decider: Pick<Decider<unknown, Event, State>, 'eventTypes' | 'evolve'>,
  event: Read,
): event is Read & Event {
  return decider.eventTypes.has(event.type);
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/** For exhaustive switches: a new event or command type fails to compile until handled. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
