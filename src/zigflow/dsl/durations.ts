/**
 * DSL durations: the inline form `{ days, hours, minutes, seconds, milliseconds }` and ISO 8601 duration
 * strings (`PT1M30S`, `P1DT2H`). Years and months have no fixed length, so they are refused.
 */
import { dslError, WorkflowFault } from './errors';

const UNIT_MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000, milliseconds: 1 } as const;

const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses an ISO 8601 duration into milliseconds, or undefined when the text is not one. */
export function parseIsoDuration(text: string): number | undefined {
  const m = ISO.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase().endsWith('T')) return undefined;
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return Math.round(w * 7 * 86_400_000 + d * 86_400_000 + h * 3_600_000 + min * 60_000 + s * 1000);
}

/** Duration (inline object, ISO string or number of milliseconds) to milliseconds; throws a `configuration` fault. */
export function durationToMs(value: unknown, instance?: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const ms = parseIsoDuration(value);
    if (ms !== undefined) return ms;
  } else if (value && typeof value === 'object' && !Array.isArray(value)) {
    let total = 0;
    let any = false;
    for (const [key, amount] of Object.entries(value as Record<string, unknown>)) {
      if (!(key in UNIT_MS) || typeof amount !== 'number' || amount < 0) {
        throw invalid(value, instance);
      }
      total += amount * UNIT_MS[key as keyof typeof UNIT_MS];
      any = true;
    }
    if (any) return total;
  }
  throw invalid(value, instance);
}

function invalid(value: unknown, instance?: string): WorkflowFault {
  const preview = JSON.stringify(value)?.slice(0, 80) ?? String(value);
  return new WorkflowFault(dslError('configuration', `invalid duration ${preview}`, { instance }));
}
