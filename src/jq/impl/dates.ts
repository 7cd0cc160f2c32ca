import { runtimeError } from './errors';
import { fn, type NativeTable } from './native';

/** Broken-down time as jq uses it: [year, month(0-11), mday, hours, minutes, seconds, wday, yday]. All UTC. */
type Tm = number[];

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function gmtime(v: unknown): Tm {
  if (typeof v !== 'number') throw runtimeError('gmtime() requires a number');
  const whole = Math.floor(v);
  const d = new Date(whole * 1000);
  if (isNaN(d.getTime())) throw runtimeError('gmtime() requires a valid time');
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  const yday = Math.floor((d.getTime() - start) / 86400000);
  return [
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds() + (v - whole),
    d.getUTCDay(),
    yday,
  ];
}

function checkTm(v: unknown, who: string): Tm {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
    throw runtimeError(`${who} requires parsed datetime inputs`);
  const tm = (v as number[]).slice();
  while (tm.length < 6) tm.push(tm.length === 2 ? 1 : 0);
  return tm;
}

function timegm(tm: Tm): number {
  const ms = Date.UTC(tm[0], tm[1], tm[2], tm[3], tm[4], Math.floor(tm[5]));
  return ms / 1000;
}

function normalize(tm: Tm): Tm {
  const secs = timegm(tm);
  const out = gmtime(secs);
  out[5] = Math.floor(out[5]) + (tm[5] - Math.floor(tm[5]));
  return out;
}

const pad = (n: number, w: number, c = '0'): string => String(n).padStart(w, c);

function isoWeek(tm: Tm): [number, number] {
  const date = new Date(Date.UTC(tm[0], tm[1], tm[2]));
  const day = (tm[6] + 6) % 7;
  date.setUTCDate(date.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(date.getUTCFullYear(), 0, 4));
  const week =
    1 +
    Math.round(((date.getTime() - firstThursday.getTime()) / 86400000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return [date.getUTCFullYear(), week];
}

function strftime(v: unknown, fmt: unknown, who = 'strftime/1'): string {
  if (typeof fmt !== 'string') throw runtimeError(`${who} requires a string format`);
  const tm = typeof v === 'number' ? gmtime(v) : Array.isArray(v) ? checkTm(v, who) : null;
  if (tm === null) throw runtimeError(`${who} requires parsed datetime inputs`);
  const [Y, m, d, H, M, S, w, j] = tm.map((x) => Math.floor(x));
  const wd = w ?? new Date(Date.UTC(Y, m, d)).getUTCDay();
  const spec = (c: string): string => {
    switch (c) {
      case 'Y':
        return String(Y);
      case 'C':
        return pad(Math.floor(Y / 100), 2);
      case 'y':
        return pad(Y % 100, 2);
      case 'm':
        return pad(m + 1, 2);
      case 'd':
        return pad(d, 2);
      case 'e':
        return pad(d, 2, ' ');
      case 'H':
        return pad(H, 2);
      case 'k':
        return pad(H, 2, ' ');
      case 'I':
        return pad(H % 12 === 0 ? 12 : H % 12, 2);
      case 'l':
        return pad(H % 12 === 0 ? 12 : H % 12, 2, ' ');
      case 'M':
        return pad(M, 2);
      case 'S':
        return pad(S, 2);
      case 'j':
        return pad((j ?? 0) + 1, 3);
      case 'Z':
        return 'UTC';
      case 'z':
        return '+0000';
      case 'a':
        return DAYS[wd].slice(0, 3);
      case 'A':
        return DAYS[wd];
      case 'b':
      case 'h':
        return MONTHS[m].slice(0, 3);
      case 'B':
        return MONTHS[m];
      case 'p':
        return H < 12 ? 'AM' : 'PM';
      case 'c':
        return `${spec('a')} ${spec('b')} ${spec('e')} ${spec('T')} ${Y}`;
      case 'D':
      case 'x':
        return `${spec('m')}/${spec('d')}/${spec('y')}`;
      case 'F':
        return `${Y}-${spec('m')}-${spec('d')}`;
      case 'T':
      case 'X':
        return `${spec('H')}:${spec('M')}:${spec('S')}`;
      case 'R':
        return `${spec('H')}:${spec('M')}`;
      case 'r':
        return `${spec('I')}:${spec('M')}:${spec('S')} ${spec('p')}`;
      case 's':
        return String(timegm(tm));
      case 'u':
        return String(wd === 0 ? 7 : wd);
      case 'w':
        return String(wd);
      case 'U':
        return pad(Math.floor(((j ?? 0) + 7 - wd) / 7), 2);
      case 'W':
        return pad(Math.floor(((j ?? 0) + 7 - ((wd + 6) % 7)) / 7), 2);
      case 'V':
        return pad(isoWeek(tm)[1], 2);
      case 'G':
        return String(isoWeek(tm)[0]);
      case 'g':
        return pad(isoWeek(tm)[0] % 100, 2);
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case '%':
        return '%';
      default:
        return '%' + c;
    }
  };
  return fmt.replace(/%([A-Za-z%])/g, (_m, c: string) => spec(c));
}

function strptime(v: unknown, fmt: unknown): Tm {
  if (typeof v !== 'string') throw runtimeError(`strptime/1 requires string inputs and arguments`);
  if (typeof fmt !== 'string') throw runtimeError('strptime/1 requires string inputs and arguments');
  const tm = [1900, 0, 1, 0, 0, 0];
  let pos = 0;
  let offset = 0;
  const fail = (): never => {
    throw runtimeError(`date "${v}" does not match format "${fmt}"`);
  };
  const num = (max: number): number => {
    const m = new RegExp(`^[+-]?\\d{1,${max}}`).exec(v.slice(pos));
    if (!m) return fail();
    pos += m[0].length;
    return Number(m[0]);
  };
  const name = (list: string[]): number => {
    const rest = v.slice(pos).toLowerCase();
    for (let k = 0; k < list.length; k++) {
      for (const cand of [list[k], list[k].slice(0, 3)]) {
        if (rest.startsWith(cand.toLowerCase())) {
          pos += cand.length;
          return k;
        }
      }
    }
    return fail();
  };
  let pm: boolean | null = null;
  // like glibc, %p only changes the hour when it was read with %I/%l
  let twelveHour = false;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%') {
      if (/\s/.test(c)) {
        while (pos < v.length && /\s/.test(v[pos])) pos++;
      } else if (v[pos] === c) pos++;
      else fail();
      continue;
    }
    const s = fmt[++i];
    switch (s) {
      case 'Y':
        tm[0] = num(4);
        break;
      case 'm':
        tm[1] = num(2) - 1;
        break;
      case 'd':
      case 'e':
        tm[2] = num(2);
        break;
      case 'H':
      case 'k':
        tm[3] = num(2);
        break;
      case 'I':
      case 'l':
        tm[3] = num(2);
        twelveHour = true;
        break;
      case 'M':
        tm[4] = num(2);
        break;
      case 'S':
        tm[5] = num(2);
        break;
      case 'y': {
        const y = num(2);
        tm[0] = y < 69 ? 2000 + y : 1900 + y;
        break;
      }
      case 'j': {
        const yd = num(3);
        tm[1] = 0;
        tm[2] = yd;
        break;
      }
      case 'a':
      case 'A':
        name(DAYS);
        break;
      case 'b':
      case 'B':
      case 'h':
        tm[1] = name(MONTHS);
        break;
      case 'p':
        pm = name(['AM', 'PM']) === 1;
        break;
      case 'Z': {
        const m = /^[A-Za-z]+/.exec(v.slice(pos));
        if (m) pos += m[0].length;
        break;
      }
      case 'z': {
        const m = /^(?:Z|[+-]\d{2}:?\d{2})/.exec(v.slice(pos));
        if (!m) fail();
        else {
          pos += m[0].length;
          if (m[0] !== 'Z') {
            const sign = m[0][0] === '-' ? -1 : 1;
            const digits = m[0].replace(/[^0-9]/g, '');
            offset = sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
          }
        }
        break;
      }
      case 's': {
        const secs = num(20);
        const g = gmtime(secs);
        for (let k = 0; k < 6; k++) tm[k] = g[k];
        break;
      }
      case 'T': {
        tm[3] = num(2);
        if (v[pos++] !== ':') fail();
        tm[4] = num(2);
        if (v[pos++] !== ':') fail();
        tm[5] = num(2);
        break;
      }
      case 'F': {
        tm[0] = num(4);
        if (v[pos++] !== '-') fail();
        tm[1] = num(2) - 1;
        if (v[pos++] !== '-') fail();
        tm[2] = num(2);
        break;
      }
      case 'R': {
        tm[3] = num(2);
        if (v[pos++] !== ':') fail();
        tm[4] = num(2);
        break;
      }
      case 'n':
      case 't':
        while (pos < v.length && /\s/.test(v[pos])) pos++;
        break;
      case '%':
        if (v[pos++] !== '%') fail();
        break;
      default:
        fail();
    }
  }
  if (pos !== v.length) fail();
  if (pm !== null && twelveHour) tm[3] = (tm[3] % 12) + (pm ? 12 : 0);
  void offset; // glibc's strptime parses %z but timegm ignores tm_gmtoff, as jq does
  return normalize(tm);
}

function mktime(v: unknown): number {
  if (!Array.isArray(v)) throw runtimeError('mktime requires array of 6 numbers');
  const tm = checkTm(v, 'mktime');
  return Math.floor(timegm(tm));
}

export const DATE_NATIVES: NativeTable = {
  'gmtime/0': fn(gmtime),
  'localtime/0': fn(gmtime),
  'mktime/0': fn(mktime),
  'timegm/0': fn(mktime),
  'strftime/1': fn((v, f) => strftime(v, f)),
  'strflocaltime/1': fn((v, f) => strftime(v, f, 'strflocaltime/1')),
  'strptime/1': fn((v, f) => {
    if (typeof v !== 'string') throw runtimeError(`strptime/1 requires string inputs and arguments`);
    return strptime(v, f);
  }),
  'dateadd/2': fn((v, _u, n) => (v as number) + (n as number)),
  'datesub/2': fn((v, _u, n) => (v as number) - (n as number)),
};
