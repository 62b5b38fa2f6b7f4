/** Partial field sets, as a client sends them: only some fields, some of them perhaps unchanged. */

/** The fields whose wanted value differs from the current one: an update records only what it changes. */
export function changedFields<T extends object>(current: T, wanted: Partial<T>): Partial<T> {
  const changed: Partial<T> = {};
  for (const key of Object.keys(wanted) as (keyof T)[]) {
    if (wanted[key] !== undefined && wanted[key] !== current[key]) changed[key] = wanted[key];
  }
  return changed;
}

/** The fields that are given, so that spreading them over defaults keeps the defaults of the rest. */
export function givenFields<T extends object>(fields: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
