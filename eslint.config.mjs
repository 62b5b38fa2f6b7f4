import js from '@eslint/js';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import tseslint from 'typescript-eslint';

// The boundaries below are stated a second time, as a checker, in test/support/architecture-rules.ts
// (run by test/unit/architecture.test.ts, which also lints violating sources to show each rule bites).

const root = import.meta.dirname;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A package by name, or every package of a scope when the name ends with '/'. */
const packageRegex = (name) => `^${escape(name)}${name.endsWith('/') ? '' : '(/|$)'}`;

const frameworks = ['@nestjs/', 'kysely', 'pg', '@electric-sql/', '@nats-io/', '@kurrent/', '@eventstore/', 'uWebSockets.js', 'mediasoup', 'zod'];
const nodeBuiltins = [...new Set(builtinModules.map((name) => name.split('/')[0]))];
const domainPackages = [
  { regex: `^node:|^(${nodeBuiltins.map(escape).join('|')})(/|$)`, message: 'the domain does no IO: no Node built-in (node:*).' },
  { regex: packageRegex('pino'), message: 'the domain does not log (pino): it returns events or throws a domain error.' },
  { regex: packageRegex('@opentelemetry/'), message: 'the domain is not traced (OpenTelemetry): spans belong to commands and adapters.' },
  { regex: `(${frameworks.map(packageRegex).join(')|(')})`, message: 'src/domain is framework-free.' },
];
// Any other package, each import reported once: under the more specific message above when one applies.
domainPackages.push({ regex: `^(?!\\.|${domainPackages.map((p) => `(${p.regex})`).join('|')})`, message: 'the domain imports no package.' });

/**
 * `layers/allowed-imports`: the folders a relative import may reach from the files it is configured for,
 * resolved against the importing file (a glob on the specifier would miss `../../config` or `../../modules`).
 * Options: { allow: ['src/domain', ...], reasons: { 'src/projections': 'why not' }, otherwise: 'why not' }.
 */
const allowedImports = {
  meta: { type: 'problem', schema: false, docs: { description: 'relative imports reach only the allowed folders' } },
  create(context) {
    const [{ allow, reasons = {}, otherwise }] = context.options;
    const within = (path, dir) => path === dir || path.startsWith(`${dir}/`);
    const check = (literal) => {
      const specifier = literal?.type === 'Literal' ? literal.value : undefined;
      if (typeof specifier !== 'string' || !/^\.\.?(\/|$)/.test(specifier)) return;
      const to = relative(root, resolve(dirname(context.filename), specifier))
        .split(sep)
        .join('/')
        .replace(/\.[cm]?js$/, '');
      if (allow.some((dir) => within(to, dir))) return;
      const reason = Object.entries(reasons).find(([dir]) => within(to, dir))?.[1] ?? otherwise;
      context.report({ node: literal, message: `'${specifier}' reaches ${to}: ${reason}` });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportEqualsDeclaration: (node) => node.moduleReference.type === 'TSExternalModuleReference' && check(node.moduleReference.expression),
      TSImportType: (node) => check(node.argument?.literal ?? node.argument),
      'CallExpression[callee.name="require"]': (node) => check(node.arguments[0]),
    };
  },
};

const COMMANDS_ONLY = 'src/commands depends only on src/domain, src/ports and src/commands';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { layers: { rules: { 'allowed-imports': allowedImports } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The domain is pure: no framework, no IO, no logging or tracing, nothing run on import, no adapter.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: domainPackages }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportDeclaration[specifiers.length=0]', message: 'a bare import runs a module for its side effects; the domain runs nothing on import.' },
        { selector: 'ImportExpression', message: 'the domain loads no module at run time (import()).' },
      ],
      'layers/allowed-imports': ['error', { allow: ['src/domain'], otherwise: 'the domain imports only src/domain.' }],
    },
  },
  {
    // Application code: commands see the domain and the ports; read models and settings come through ports.
    files: ['src/commands/**/*.ts'],
    rules: {
      'layers/allowed-imports': [
        'error',
        {
          allow: ['src/domain', 'src/ports', 'src/commands'],
          reasons: {
            'src/projections': `${COMMANDS_ONLY}: read models are reached through a port in src/ports.`,
            'src/config': `${COMMANDS_ONLY}: settings come in through a port in src/ports, not from src/config.`,
            'src/adapters': `${COMMANDS_ONLY}: application code depends on ports, not adapters.`,
          },
          otherwise: `${COMMANDS_ONLY}.`,
        },
      ],
    },
  },
  {
    files: ['src/projections/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/adapters/**'], message: 'Application code depends on ports, not adapters.' }],
        },
      ],
    },
  },
);
