/**
 * A test fixture for commands over several streams: accounts whose balance may not go below zero.
 * A transfer debits one account and credits another, both or neither (CommandRunner.runMany).
 */
import { eventTypes, type Decider } from '../../../src/domain/decider';
import { illegalState } from '../../../src/domain/errors';
import type { StreamRead } from '../../../src/commands/stream-reads';
import type { StreamsCommand } from '../../../src/commands/streams-command';

export type AccountCommand =
  { type: 'Deposit'; data: { amount: number } } | { type: 'Debit'; data: { amount: number } } | { type: 'Credit'; data: { amount: number } };
export type AccountEvent =
  { type: 'Deposited'; data: { amount: number } } | { type: 'Debited'; data: { amount: number } } | { type: 'Credited'; data: { amount: number } };
export interface AccountState {
  balance: number;
}

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  eventTypes: eventTypes<AccountEvent>({ Deposited: true, Debited: true, Credited: true }),
  initialState: () => ({ balance: 0 }),
  evolve: ({ balance }, { type, data }) => ({ balance: type === 'Debited' ? balance - data.amount : balance + data.amount }),
  decide(command, { balance }) {
    switch (command.type) {
      case 'Deposit':
        return [{ type: 'Deposited', data: command.data }];
      case 'Credit':
        return [{ type: 'Credited', data: command.data }];
      case 'Debit':
        if (balance < command.data.amount) throw illegalState('BalancesStayCovered', `balance ${balance} does not cover ${command.data.amount}`);
        return [{ type: 'Debited', data: command.data }];
    }
  },
};

export const accountStream = (id: string) => `account-${id}`;

type Pair = [StreamRead<AccountEvent, AccountState>, StreamRead<AccountEvent, AccountState>];

/** Moves `amount` from one account to another: one command, two streams. */
export function transfer(from: string, to: string, amount: number): StreamsCommand<Pair> {
  return {
    type: 'Transfer',
    lanes: [accountStream(from), accountStream(to)],
    read: (streams) => Promise.all([streams.fold(accountDecider, accountStream(from)), streams.fold(accountDecider, accountStream(to))]),
    decide: ([source, target]) => [
      source.change(accountDecider.decide({ type: 'Debit', data: { amount } }, source.state)),
      target.change(accountDecider.decide({ type: 'Credit', data: { amount } }, target.state)),
    ],
  };
}
