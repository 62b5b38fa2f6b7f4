import { describe, expect, it } from 'vitest';
import { subjectMatches } from '../../src/adapters/bus/subject-matches';

describe('subjectMatches (NATS wildcards for the in-process bus)', () => {
  it.each([
    ['tickets.*', 'tickets.42', true],
    ['tickets.*', 'tickets.42.x', false],
    ['tickets.>', 'tickets.42.x', true],
    ['tickets.>', 'tickets', false],
    ['>', 'a.b', true],
    ['tickets.42', 'tickets.42', true],
    ['tickets.42', 'tickets.43', false],
    ['*.42', 'channels.42', true],
  ])('%s against %s is %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});
