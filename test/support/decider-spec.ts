/** Given events, when a command, then events (or then an error): the shape of every decider test. */
import { expect } from 'vitest';
import { Decider, DomainEvent, fold } from '../../src/domain/decider';
import { DomainError } from '../../src/domain/errors';

export function deciderSpec<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return {
    given(events: E[] = []) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider, events));
          return {
            then(expected: E[]) {
              expect(run()).toEqual(expected);
            },
            thenFails(rule: string) {
              let error: unknown;
              try {
                run();
              } catch (caught) {
                error = caught;
              }
              expect(error).toBeInstanceOf(DomainError);
              expect((error as DomainError).rule).toBe(rule);
            },
          };
        },
      };
    },
  };
}
