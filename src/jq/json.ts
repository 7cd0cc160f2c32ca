import { runtimeError } from './errors';

/** Parses JSON text like jq's fromjson (accepts NaN/nan literals, which become null-like NaN). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const t = text.trim();
    if (t === 'nan' || t === 'NaN') return NaN;
    if (/\bnan\b|\bNaN\b/.test(t)) {
      try {
        return JSON.parse(t.replace(/\b(?:nan|NaN)\b/g, 'null'));
      } catch {
        /* fall through to the error below */
      }
    }
    throw runtimeError(`${text} (while parsing '${text}')`);
  }
}
