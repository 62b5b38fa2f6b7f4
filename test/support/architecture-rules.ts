/**
 * The import rules of the architecture as a checker over source text, so that each rule can be made to
 * fail on a small violating source before the repository is judged by it (test/unit/architecture.test.ts).
 * eslint.config.mjs states the same rules a second time, so that neither can be switched off quietly.
 * Imports are read with the TypeScript parser, not a regular expression: every form counts (bare
 * `import 'x'`, `import type`, re-exports, `import()`, `require`, `import x = require()`, `import('x').T`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';

export type ImportKind = 'side-effect' | 'static' | 'type' | 're-export' | 'dynamic' | 'require';

export interface ImportSite {
  specifier: string;
  line: number;
  kind: ImportKind;
}

export interface Finding {
  rule: string;
  file: string;
  line: number;
  specifier: string;
  message: string;
}

/** Every import of a module in `source`, in order. */
export function importsIn(file: string, source: string): ImportSite[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const sites: ImportSite[] = [];
  const add = (literal: ts.Node | undefined, kind: ImportKind) => {
    if (literal && ts.isStringLiteralLike(literal)) {
      sites.push({ specifier: literal.text, kind, line: tree.getLineAndCharacterOfPosition(literal.getStart()).line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, !node.importClause ? 'side-effect' : node.importClause.isTypeOnly ? 'type' : 'static');
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly ? 'type' : 're-export');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly ? 'type' : 'require');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], 'dynamic');
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      add(node.arguments[0], 'require');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, 'type');
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return sites;
}

const within = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);
const isRelative = (specifier: string) => specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
/** Where a relative specifier in `file` (repository-relative, with /) points, without its extension. */
const target = (file: string, specifier: string) => posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.[cm]?js$/, '');

const nodeBuiltins = new Set(builtinModules.map((name) => name.split('/')[0]!));
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

interface Rule {
  id: string;
  /** Which files the rule judges (repository-relative paths). */
  dir: string;
  /** The finding's message, or undefined when the import is allowed. */
  check(file: string, site: ImportSite): string | undefined;
}

const domainPackage = (site: ImportSite): { id: string; message: string } | undefined => {
  if (isRelative(site.specifier)) return undefined;
  const name = packageOf(site.specifier);
  if (site.specifier.startsWith('node:') || nodeBuiltins.has(name))
    return { id: 'domain-no-node', message: 'the domain does no IO: no Node built-in (node:*)' };
  if (name === 'pino') return { id: 'domain-no-logger', message: 'the domain does not log (pino): it returns events or throws a domain error' };
  if (name.startsWith('@opentelemetry/'))
    return { id: 'domain-no-telemetry', message: 'the domain is not traced (OpenTelemetry): spans belong to commands and adapters' };
  return { id: 'domain-no-package', message: 'the domain imports no package' };
};

const packageRule = (id: string): Rule => ({
  id,
  dir: 'src/domain',
  check: (_, site) => (domainPackage(site)?.id === id ? domainPackage(site)!.message : undefined),
});

/** Which folders a layer may import from, and the reason given when one it may not is named. */
const layerRule = (id: string, dir: string, allowed: readonly string[], reasons: Record<string, string>, otherwise: string): Rule => ({
  id,
  dir,
  check(file, site) {
    if (!isRelative(site.specifier)) return undefined;
    const to = target(file, site.specifier);
    if (allowed.some((allowedDir) => within(to, allowedDir))) return undefined;
    const reason = Object.entries(reasons).find(([refused]) => within(to, refused))?.[1] ?? otherwise;
    return `reaches ${to}: ${reason}`;
  },
});

export const rules: readonly Rule[] = [
  {
    id: 'domain-no-side-effect-import',
    dir: 'src/domain',
    check: (_, site) => (site.kind === 'side-effect' ? 'a bare import runs a module for its side effects; the domain runs nothing on import' : undefined),
  },
  packageRule('domain-no-node'),
  packageRule('domain-no-logger'),
  packageRule('domain-no-telemetry'),
  packageRule('domain-no-package'),
  layerRule('domain-imports-only-domain', 'src/domain', ['src/domain'], {}, 'the domain imports only src/domain'),
  layerRule(
    'commands-depend-on-domain-ports-commands',
    'src/commands',
    ['src/domain', 'src/ports', 'src/commands'],
    {
      'src/projections': 'read models are reached through a port in src/ports',
      'src/config': 'settings come in through a port in src/ports, not from src/config',
    },
    'src/commands depends only on src/domain, src/ports and src/commands',
  ),
];

/** What the rules find in one file's source (`file` is repository-relative, with /). */
export function findingsIn(file: string, source: string, judged: readonly Rule[] = rules): Finding[] {
  const applicable = judged.filter((rule) => within(file, rule.dir));
  if (applicable.length === 0) return [];
  return importsIn(file, source).flatMap((site) =>
    applicable.flatMap((rule) => {
      const message = rule.check(file, site);
      return message === undefined ? [] : [{ rule: rule.id, file, line: site.line, specifier: site.specifier, message }];
    }),
  );
}

export const describeFinding = (f: Finding) => `${f.file}:${f.line} '${f.specifier}' [${f.rule}] ${f.message}`;

/** Repository-relative paths (with /) of the .ts files under `dir`. */
export function sourcesUnder(root: string, dir: string): string[] {
  const walk = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(at, entry.name)) : entry.name.endsWith('.ts') ? [relative(root, join(at, entry.name)).split('\\').join('/')] : [],
    );
  return walk(join(root, dir));
}

/** The file a relative specifier names, as TypeScript resolves it (x.ts, x/index.ts, x.js written for x.ts). */
function resolveFile(files: ReadonlySet<string>, from: string, specifier: string): string | undefined {
  const base = target(from, specifier);
  return [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => files.has(candidate));
}

/**
 * Import cycles among `files` (type-only imports included: a cycle of types is still two modules that
 * cannot be read apart). Each strongly connected component is reported once, as one cycle through it.
 */
export function importCycles(sources: ReadonlyMap<string, string>): string[][] {
  const files = new Set(sources.keys());
  const edges = new Map<string, string[]>();
  for (const [file, source] of sources) {
    const next = importsIn(file, source).flatMap((site) => (isRelative(site.specifier) ? [resolveFile(files, file, site.specifier)] : []));
    edges.set(file, [...new Set(next.filter((to): to is string => to !== undefined))]);
  }
  // Tarjan's strongly connected components.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1 || edges.get(v)!.includes(v)) components.push(component);
    }
  };
  for (const file of [...files].sort()) if (!index.has(file)) connect(file);
  return components.map((component) => cycleThrough(new Set(component), edges));
}

/** One cycle through a strongly connected component, from its first file back to it (breadth-first, so a shortest one). */
function cycleThrough(component: ReadonlySet<string>, edges: ReadonlyMap<string, string[]>): string[] {
  const start = [...component].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
    for (const to of edges.get(at)!.filter((w) => component.has(w))) {
      if (to === start) {
        const path = [at];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, at);
        queue.push(to);
      }
    }
  }
  return [start];
}

/** The sources of the .ts files under each of `dirs` that exist, by repository-relative path. */
export function readSources(root: string, dirs: readonly string[]): Map<string, string> {
  const files = dirs.filter((dir) => existsSync(join(root, dir))).flatMap((dir) => sourcesUnder(root, dir));
  return new Map(files.map((file) => [file, readFileSync(join(root, file), 'utf8')]));
}
