/** Parsers for environment values: pure functions, each returning undefined on a bad value. */

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `2m`, `1h`, or a bare number of milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 'ms'];
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

export function parseBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  return undefined;
}

/** Comma-separated list; blanks dropped. */
export function parseList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** `host:port`, `[v6]:port` or `dns:///host:port` as grpc-js accepts them. */
export function isHostPort(text: string): boolean {
  const target = text.replace(/^dns:\/\/\//, '');
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(target);
  return match !== null && Number(match[2]) <= 65535;
}
