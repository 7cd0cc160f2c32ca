import { runtimeError } from './errors';
import { compare, describe, equals, isObject, type JqObject } from './values';

export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
  if (isObject(a) && isObject(b)) return { ...a, ...b };
  throw runtimeError(`${describe(a)} and ${describe(b)} cannot be added`);
}

export function subtract(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (Array.isArray(a) && Array.isArray(b)) return a.filter((x) => !b.some((y) => equals(x, y)));
  throw runtimeError(`${describe(a)} and ${describe(b)} cannot be subtracted`);
}

function deepMerge(a: JqObject, b: JqObject): JqObject {
  const out: JqObject = { ...a };
  for (const k of Object.keys(b)) {
    const x = out[k];
    const y = b[k];
    out[k] = isObject(x) && isObject(y) ? deepMerge(x, y) : y;
  }
  return out;
}

function repeatString(s: string, n: number): unknown {
  // jq 1.8: negative (or nan) counts yield null; fractional counts round down
  if (!(n >= 0)) return null;
  const count = Math.floor(n);
  if (s.length * count >= 536870888) throw runtimeError('Repeat string result too long');
  return s.repeat(count);
}

export function multiply(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (typeof a === 'string' && typeof b === 'number') return repeatString(a, b);
  if (typeof a === 'number' && typeof b === 'string') return repeatString(b, a);
  if (isObject(a) && isObject(b)) return deepMerge(a, b);
  throw runtimeError(`${describe(a)} and ${describe(b)} cannot be multiplied`);
}

export function divide(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw runtimeError(`${describe(a)} and ${describe(b)} cannot be divided because the divisor is zero`);
    return a / b;
  }
  if (typeof a === 'string' && typeof b === 'string') return splitString(a, b);
  throw runtimeError(`${describe(a)} and ${describe(b)} cannot be divided`);
}

export function splitString(a: string, sep: string): string[] {
  if (a === '') return [];
  // an empty separator splits into code points, not UTF-16 units
  if (sep === '') return Array.from(a);
  return a.split(sep);
}

/** jq's % truncates both operands to integers (C semantics: the sign follows the dividend). */
export function modulo(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a !== a || b !== b) return NaN;
    const x = truncInt(a);
    const y = truncInt(b);
    if (y === 0n)
      throw runtimeError(`${describe(a)} and ${describe(b)} cannot be divided (remainder) because the divisor is zero`);
    const r = x % (y < 0n ? -y : y);
    return Number(r);
  }
  throw runtimeError(`${describe(a)} and ${describe(b)} cannot be divided (remainder)`);
}

/** C's cast of a double to intmax_t, saturating like jq does. */
function truncInt(n: number): bigint {
  if (n >= 9.223372036854776e18) return 9223372036854775807n;
  if (n <= -9.223372036854776e18) return -9223372036854775808n;
  return BigInt(Math.trunc(n));
}

export function binaryOp(op: string, a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '<':
        return a < b;
      case '>':
        return a > b;
      case '<=':
        return a <= b;
      case '>=':
        return a >= b;
      case '==':
        return a === b;
      case '!=':
        return a !== b;
      default:
        break;
    }
  }
  switch (op) {
    case '+':
      return add(a, b);
    case '-':
      return subtract(a, b);
    case '*':
      return multiply(a, b);
    case '/':
      return divide(a, b);
    case '%':
      return modulo(a, b);
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case '<':
      return compare(a, b) < 0;
    case '<=':
      return compare(a, b) <= 0;
    case '>':
      return compare(a, b) > 0;
    case '>=':
      return compare(a, b) >= 0;
    default:
      throw runtimeError(`unknown operator ${op}`);
  }
}

export function negate(v: unknown): unknown {
  if (typeof v === 'number') return -v;
  throw runtimeError(`${describe(v)} cannot be negated`);
}
