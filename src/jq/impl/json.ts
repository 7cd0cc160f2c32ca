import { runtimeError } from './errors';

/** Parses JSON text like jq's fromjson (accepts NaN/nan literals, which become null-like NaN). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const t = text.trim();
    if (/^-?nan$/i.test(t)) return NaN;
    // jq's parser reads a bare word as a number literal and fails at its end
    if (/^[A-Za-z0-9+\-.]+$/.test(t)) {
      const kind = /^[tfn]/.test(t) && !/^nan/.test(t) ? 'literal' : 'numeric literal';
      throw runtimeError(`Invalid ${kind} at EOF at line 1, column ${t.length} (while parsing '${text}')`);
    }
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
