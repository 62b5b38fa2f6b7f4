/**
 * The architecture's import boundaries, checked here as well as by lint so that neither can be switched
 * off quietly. Each rule is first made to fail on a small violating source (by the checker in
 * test/support/architecture-rules.ts and by ESLint with eslint.config.mjs) before the repository is
 * judged by it, so that a rule that can never fire is caught.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeFinding, findingsIn, importCycles, importsIn, readSources } from '../support/architecture-rules';

const root = resolve(__dirname, '../..');
const DOMAIN = 'src/domain/tickets/fixture.ts';
const COMMANDS = 'src/commands/tickets/fixture.ts';

/** [rule, file, violating source, the ESLint rule that must refuse it too]. */
const violations: [string, string, string, string][] = [
  ['domain-no-side-effect-import', DOMAIN, "import './ticket-polyfill';", 'no-restricted-syntax'],
  ['domain-no-node', DOMAIN, "import { randomUUID } from 'node:crypto';", 'no-restricted-imports'],
  ['domain-no-node', DOMAIN, "import { readFileSync } from 'fs';", 'no-restricted-imports'],
  ['domain-no-logger', DOMAIN, "import pino from 'pino';", 'no-restricted-imports'],
  ['domain-no-telemetry', DOMAIN, "import { trace } from '@opentelemetry/api';", 'no-restricted-imports'],
  ['domain-no-package', DOMAIN, "import { z } from 'zod';", 'no-restricted-imports'],
  ['domain-no-package', DOMAIN, "export { v4 } from 'uuid';", 'no-restricted-imports'],
  ['domain-imports-only-domain', DOMAIN, "import type { EventStore } from '../../ports/event-store.port';", 'layers/allowed-imports'],
  ['domain-imports-only-domain', DOMAIN, "import { CommandRunner } from '../../commands/command-runner';", 'layers/allowed-imports'],
  ['domain-imports-only-domain', DOMAIN, "import { ticketListProjection } from '../../projections/tickets/ticket-list.projection';", 'layers/allowed-imports'],
  ['domain-imports-only-domain', DOMAIN, "import { PostgresEventStore } from '../../adapters/eventstore/postgres-event-store';", 'layers/allowed-imports'],
  ['commands-depend-on-domain-ports-commands', COMMANDS, "import { CONFIG } from '../../config';", 'layers/allowed-imports'],
  ['commands-depend-on-domain-ports-commands', COMMANDS, "import type { ReadModelDb } from '../../projections/runtime/projection';", 'layers/allowed-imports'],
  [
    'commands-depend-on-domain-ports-commands',
    COMMANDS,
    "import { PostgresEventStore } from '../../adapters/eventstore/postgres-event-store';",
    'layers/allowed-imports',
  ],
  ['commands-depend-on-domain-ports-commands', COMMANDS, "import { TicketsModule } from '../../modules/tickets.module';", 'layers/allowed-imports'],
];

/** Imports each rule must let through, so that a rule refusing everything is caught as well. */
const allowed: [string, string][] = [
  [DOMAIN, "import { assertNever, type Decider } from '../decider';\nimport { DomainError } from '../../domain/errors';"],
  [COMMANDS, "import { DomainError } from '../../domain/errors';\nimport type { EventStore } from '../../ports/event-store.port';"],
  [COMMANDS, "import { ShuttingDown } from '../shutting-down';\nimport { CommandBus } from '@nestjs/cqrs';\nimport { randomUUID } from 'node:crypto';"],
  ['src/main.ts', "import 'reflect-metadata';\nimport pino from 'pino';"],
];

describe('the import rules, each made to fail once', () => {
  it.each(violations)('%s refuses, in %s: %s', (rule, file, source) => {
    expect(findingsIn(file, source).map((f) => f.rule)).toEqual([rule]);
  });

  it('refuses a bare import of a package in the domain twice: as a side effect and as a package', () => {
    expect(findingsIn(DOMAIN, "import 'reflect-metadata';").map((f) => f.rule)).toEqual(['domain-no-side-effect-import', 'domain-no-package']);
  });

  it('names the reason for src/projections and src/config, and where the import leads', () => {
    const [config] = findingsIn(COMMANDS, "import { CONFIG } from '../../config';");
    expect(config?.message).toMatch(/^reaches src\/config: .*settings come in through a port/);
    const [projection] = findingsIn(COMMANDS, "import { x } from '../../projections/tickets/ticket-list.queries';");
    expect(projection?.message).toMatch(/^reaches src\/projections\/tickets\/ticket-list\.queries: .*read models are reached through a port/);
  });

  it.each(allowed)('lets through, in %s: %s', (file, source) => {
    expect(findingsIn(file, source)).toEqual([]);
  });

  it('sees every import form', () => {
    const source = [
      "import 'a';",
      "import b from 'b';",
      "import type { C } from 'c';",
      "export * from 'd';",
      "export type { E } from 'e';",
      "const f = await import('f');",
      "const g = require('g');",
      "import h = require('h');",
      "let i: import('i').I;",
    ].join('\n');
    expect(importsIn('x.ts', source).map((site) => `${site.specifier}:${site.kind}:${site.line}`)).toEqual([
      'a:side-effect:1',
      'b:static:2',
      'c:type:3',
      'd:re-export:4',
      'e:type:5',
      'f:dynamic:6',
      'g:require:7',
      'h:require:8',
      'i:type:9',
    ]);
  });

  it('finds import cycles, type-only and through import() of a .js name included, and no cycle where there is none', () => {
    const sources = new Map([
      ['bench/a.bench.ts', "export async function run() { await import('./b.js'); }"],
      ['bench/b.ts', "import { helper } from './a.bench';"],
      ['src/x/p.ts', "import { t } from './q';"],
      ['src/x/q.ts', "import type { P } from './p';\nimport { r } from '../r';"],
      ['src/r/index.ts', 'export const r = 1;'],
      ['src/self.ts', "export * from './self';"],
    ]);
    expect(importCycles(sources)).toEqual(
      expect.arrayContaining([
        ['bench/a.bench.ts', 'bench/b.ts', 'bench/a.bench.ts'],
        ['src/x/p.ts', 'src/x/q.ts', 'src/x/p.ts'],
        ['src/self.ts', 'src/self.ts'],
      ]),
    );
    expect(importCycles(sources)).toHaveLength(3);
    const diamond = new Map([
      ['src/a.ts', "import './b';\nimport type { C } from './c';"],
      ['src/b.ts', "export * from './d';"],
      ['src/c.ts', "export { d } from './d';"],
      ['src/d.ts', 'export const d = 1;'],
    ]);
    expect(importCycles(diamond)).toEqual([]);
  });
});

describe('lint refuses the same imports', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });
  const refusals = async (file: string, source: string) => {
    const [result] = await eslint.lintText(source, { filePath: resolve(root, file) });
    const boundaries = ['no-restricted-imports', 'no-restricted-syntax', 'layers/allowed-imports'];
    return result!.messages.filter((m) => m.ruleId !== null && boundaries.includes(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
  };

  it.each(violations)('like %s, in %s: %s', async (_, file, source, eslintRule) => {
    const found = await refusals(file, source);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`${eslintRule}: `);
  });

  it('says why for src/config and src/projections, and reports a dynamic import() in the domain', async () => {
    expect(await refusals(COMMANDS, "import { CONFIG } from '../../config';")).toEqual([
      expect.stringMatching(/'\.\.\/\.\.\/config' reaches src\/config: .*settings come in through a port/),
    ]);
    expect(await refusals(COMMANDS, "import { x } from '../../projections/tickets/ticket-list.queries';")).toEqual([
      expect.stringMatching(/reaches src\/projections\/tickets\/ticket-list\.queries: .*read models are reached through a port/),
    ]);
    expect(await refusals(DOMAIN, "export const lazy = () => import('kysely');")).toEqual([
      'no-restricted-syntax: the domain loads no module at run time (import()).',
    ]);
  });

  it.each(allowed)('and lets through, in %s: %s', async (file, source) => {
    expect(await refusals(file, source)).toEqual([]);
  });
});

describe('the repository keeps the rules', () => {
  const src = readSources(root, ['src']);
  const findings = (dir: string) => [...src].filter(([file]) => file.startsWith(`${dir}/`)).flatMap(([file, source]) => findingsIn(file, source));

  it('finds the files it judges', () => {
    expect([...src.keys()].filter((file) => file.startsWith('src/domain/')).length).toBeGreaterThan(10);
    expect([...src.keys()].filter((file) => file.startsWith('src/commands/')).length).toBeGreaterThan(10);
  });

  it('src/domain imports only the domain: no package, no Node built-in, no logger, no tracing, nothing for its side effects', () => {
    expect(findings('src/domain').map(describeFinding)).toEqual([]);
  });

  it('src/commands depends only on src/domain, src/ports and src/commands', () => {
    expect(findings('src/commands').map(describeFinding)).toEqual([]);
  });

  it('src and bench have no import cycle', () => {
    expect(importCycles(readSources(root, ['src', 'bench'])).map((cycle) => cycle.join(' → '))).toEqual([]);
  });
});
