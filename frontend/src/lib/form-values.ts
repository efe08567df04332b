// Form values → request bodies.

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined || a === '') && (b === null || b === undefined || b === '')) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The PATCH body for an edit form: only the fields that changed; a field the user cleared is sent
 * as null (ProForm drops empty values from what it submits, which would otherwise mean "no change").
 */
export function diffForPatch<T extends Record<string, unknown>>(
  initial: Partial<Record<keyof T, unknown>>,
  values: Partial<T>,
  fields: readonly (keyof T & string)[],
): Partial<T> {
  const patch: Record<string, unknown> = {};
  for (const field of fields) {
    const before = initial[field];
    const after = values[field];
    if (same(before, after)) continue;
    patch[field] = after === undefined || after === '' ? null : after;
  }
  return patch as Partial<T>;
}

/** Create bodies: drop empty strings and undefined (the API's optional fields may be omitted). */
export function compactBody<T extends Record<string, unknown>>(values: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '') continue;
    out[key] = typeof value === 'string' ? value.trim() : value;
  }
  return out as T;
}
