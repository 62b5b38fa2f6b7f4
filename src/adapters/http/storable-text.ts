/**
 * Text that PostgreSQL cannot store is refused at the edge, in this one place, before any route's
 * own validation: U+0000 (text and jsonb both reject it) and lone UTF-16 surrogates (no Unicode
 * scalar value, so no UTF-8 for them). Each used to reach the database somewhere and answer 500,
 * or sit in the log as an event no projection could apply. Every string of the path parameters,
 * the query and a JSON body is checked, object keys included (jsonb stores them too).
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { problem } from './problem-codes';

export interface TextIssue {
  path: string;
  message: string;
}

/** Reports of one request are capped: the first few name the problem well enough. */
const MAX_ISSUES = 20;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag: it would hide them). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, 'g');

/** Why `text` cannot be stored, or undefined when it can. */
export function whyUnstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'holds U+0000 (NUL), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'holds a lone UTF-16 surrogate, which is not Unicode text';
  return undefined;
}

/** The text with what cannot be stored written as `\uXXXX`, to name a key that holds it. */
const printable = (text: string) => text.replace(UNSTORABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Every string (value or key) in a parsed JSON value that cannot be stored, with its dot-joined
 * path as validation errors name fields. Iterative, because a 1 MB body can nest deeper than the
 * stack. Raw bytes (a Buffer body) are not text and are left to whoever reads them.
 */
export function unstorableText(value: unknown): TextIssue[] {
  const issues: TextIssue[] = [];
  const pending: { value: unknown; path: string }[] = [{ value, path: '' }];
  const join = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
  while (pending.length > 0 && issues.length < MAX_ISSUES) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      const why = whyUnstorable(current);
      if (why) issues.push({ path: path || '(root)', message: why });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], path: join(path, i) });
    } else if (current !== null && typeof current === 'object' && !ArrayBuffer.isView(current)) {
      for (const [key, item] of Object.entries(current).reverse()) {
        const why = whyUnstorable(key);
        if (why) issues.push({ path: join(path, printable(key)), message: `the key ${why}` });
        else pending.push({ value: item, path: join(path, key) });
      }
    }
  }
  return issues.slice(0, MAX_ISSUES);
}

/** Registers the check on every route: 400 problem+json, code 2004, naming each field. */
export function refuseUnstorableText(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', async (request, reply) => {
      const where = [
        { part: 'the path', issues: unstorableText(request.params) },
        { part: 'the query', issues: unstorableText(request.query) },
        { part: 'the body', issues: unstorableText(request.body) },
      ].filter(({ issues }) => issues.length > 0);
      if (where.length === 0) return;
      const detail = `Text in ${where.map(({ part }) => part).join(' and ')} holds characters that cannot be stored; see errors.`;
      const body = problem('invalidFormat', detail, { errors: where.flatMap(({ issues }) => issues), instance: request.url.split('?')[0] });
      return reply.code(body.status).type('application/problem+json').send(body);
    });
}
