// 422 validation errors from flask-smorest → antd Form field errors.
//
// smorest answers `{code: 422, status: "Unprocessable Entity", errors: {json: {field: ["msg"]}}}`;
// nested schemas nest (`{address: {city: [..]}}`), lists are keyed by index (`{items: {"0": {..}}}`),
// and `_schema` holds errors that belong to no single field.
import type { FormInstance } from 'antd';
import { isApiError } from './api-client';

export type FieldPath = (string | number)[];

export interface FieldErrorEntry {
  name: FieldPath;
  errors: string[];
}

function messagesOf(value: unknown): string[] | null {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return null;
}

/** Flatten a smorest `errors.json` object into `[{name: ['a', 0, 'b'], errors: [...]}]`. */
export function flattenFieldErrors(errors: unknown, prefix: FieldPath = []): FieldErrorEntry[] {
  if (!errors || typeof errors !== 'object') return [];
  const out: FieldErrorEntry[] = [];
  for (const [key, value] of Object.entries(errors as Record<string, unknown>)) {
    const segment: string | number = /^\d+$/.test(key) ? Number(key) : key;
    const path = [...prefix, segment];
    const messages = messagesOf(value);
    if (messages) {
      out.push({ name: path, errors: messages });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => out.push(...flattenFieldErrors(item, [...path, index])));
    } else {
      out.push(...flattenFieldErrors(value, path));
    }
  }
  return out;
}

export interface AppliedFormErrors {
  /** Errors put on fields the form knows. */
  fields: FieldErrorEntry[];
  /** `_schema` errors and errors on fields the form does not render; show them above the form. */
  general: string[];
}

/**
 * Put a 422's `errors.json` on the form's fields. Returns null when the error is not a 422 with
 * field errors (the caller then handles it like any other error).
 *
 * `knownFields` (top-level names) limits which fields are set; others go to `general`. By default
 * every field the form currently has registered is known.
 */
export function applyFormErrors(
  form: Pick<FormInstance, 'setFields' | 'getFieldsValue'>,
  error: unknown,
  options: { knownFields?: string[]; location?: 'json' | 'query' | 'form' } = {},
): AppliedFormErrors | null {
  if (!isApiError(error) || error.status !== 422) return null;
  const source = error.errors?.[options.location ?? 'json'];
  if (!source || typeof source !== 'object') return null;

  const known = new Set(options.knownFields ?? Object.keys((form.getFieldsValue() as Record<string, unknown> | undefined) ?? {}));
  const fields: FieldErrorEntry[] = [];
  const general: string[] = [];
  for (const entry of flattenFieldErrors(source)) {
    const head = entry.name[0];
    if (head === '_schema' || typeof head !== 'string' || !known.has(head)) {
      general.push(...entry.errors);
    } else {
      fields.push(entry);
    }
  }
  if (fields.length) form.setFields(fields);
  return { fields, general };
}

/**
 * The catch branch of a form submit: field errors go on the fields; errors that belong to no field
 * (or a 422 without field details) go to `notify`. Anything else was already shown by the API
 * client. Returns true when the error was a validation error.
 */
export function reportFormError(
  form: Pick<FormInstance, 'setFields' | 'getFieldsValue'>,
  error: unknown,
  notify: (text: string) => void,
  options: { knownFields?: string[] } = {},
): boolean {
  const applied = applyFormErrors(form, error, options);
  if (applied) {
    if (applied.general.length) notify(applied.general.join('；'));
    return true;
  }
  if (isApiError(error) && error.status === 422) {
    notify(error.message);
    return true;
  }
  return false;
}
