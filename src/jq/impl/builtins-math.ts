import { runtimeError } from './errors';
import { fn, type Native, type NativeTable } from './native';
import { describe } from './values';

function num(name: string, v: unknown): number {
  if (typeof v !== 'number') throw runtimeError(`${describe(v)} number required`);
  void name;
  return v;
}

function frexp(x: number): [number, number] {
  if (x === 0 || !isFinite(x) || x !== x) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = x * Math.pow(2, -e);
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  return [m, e];
}

function gamma(x: number): number {
  // Lanczos approximation
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, x + 0.5) * Math.exp(-t) * a;
}

function lgamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  return Math.log(Math.abs(gamma(x)));
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const UNARY: Record<string, (x: number) => number> = {
  floor: Math.floor,
  ceil: Math.ceil,
  sqrt: Math.sqrt,
  fabs: Math.abs,
  round: (x) => (x < 0 ? -Math.round(-x) : Math.round(x)),
  trunc: Math.trunc,
  rint: roundHalfEven,
  nearbyint: roundHalfEven,
  exp: Math.exp,
  exp2: (x) => Math.pow(2, x),
  exp10: (x) => Math.pow(10, x),
  expm1: Math.expm1,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  logb: (x) => (x === 0 ? -Infinity : !isFinite(x) ? Math.abs(x) : frexp(x)[1] - 1),
  gamma: lgamma,
  lgamma,
  tgamma: gamma,
  lgamma_r: lgamma,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  cbrt: Math.cbrt,
  significand: (x) => (x === 0 || !isFinite(x) ? x : frexp(x)[0] * 2),
  j0: (x) => besselJ(0, x),
  j1: (x) => besselJ(1, x),
  y0: () => NaN,
  y1: () => NaN,
};

function besselJ(n: number, x: number): number {
  // numeric integration of (1/pi) * integral_0^pi cos(n t - x sin t) dt
  const steps = 2000;
  let s = 0;
  for (let k = 0; k <= steps; k++) {
    const t = (Math.PI * k) / steps;
    const w = k === 0 || k === steps ? 0.5 : 1;
    s += w * Math.cos(n * t - x * Math.sin(t));
  }
  return s / steps;
}

const BINARY: Record<string, (x: number, y: number) => number> = {
  pow: Math.pow,
  atan2: Math.atan2,
  fmin: Math.min,
  fmax: Math.max,
  fmod: (x, y) => x % y,
  hypot: Math.hypot,
  copysign: (x, y) => Math.sign(y) * Math.abs(x) || (Object.is(y, -0) || y < 0 ? -Math.abs(x) : Math.abs(x)),
  drem: (x, y) => x - y * roundHalfEven(x / y),
  remainder: (x, y) => x - y * roundHalfEven(x / y),
  ldexp: (x, y) => x * Math.pow(2, y),
  scalb: (x, y) => x * Math.pow(2, y),
  scalbln: (x, y) => x * Math.pow(2, y),
  nextafter: (x, y) => nextafter(x, y),
  nexttoward: (x, y) => nextafter(x, y),
  fdim: (x, y) => (x > y ? x - y : 0),
};

function nextafter(x: number, y: number): number {
  if (x !== x || y !== y) return NaN;
  if (x === y) return y;
  if (x === 0) return y > 0 ? 5e-324 : -5e-324;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  let bits = buf.getBigInt64(0);
  bits += y > x === x > 0 ? 1n : -1n;
  buf.setBigInt64(0, bits);
  return buf.getFloat64(0);
}

export const MATH_NATIVES: NativeTable = (() => {
  const t: Record<string, Native> = {};
  for (const [name, f] of Object.entries(UNARY)) t[`${name}/0`] = fn((v) => f(num(name, v)));
  for (const [name, f] of Object.entries(BINARY)) t[`${name}/2`] = fn((_v, a, b) => f(num(name, a), num(name, b)));
  t['fma/3'] = fn((_v, a, b, c) => num('fma', a) * num('fma', b) + num('fma', c));
  t['frexp/0'] = fn((v) => frexp(num('frexp', v)));
  t['modf/0'] = fn((v) => {
    const x = num('modf', v);
    if (!isFinite(x)) return x !== x ? [x, x] : [0 * Math.sign(x), x];
    const ip = Math.trunc(x);
    return [x - ip, ip];
  });
  t['infinite/0'] = fn(() => Infinity);
  t['nan/0'] = fn(() => NaN);
  t['isinfinite/0'] = fn((v) => {
    const x = num('isinfinite', v);
    return x === Infinity || x === -Infinity;
  });
  t['isnan/0'] = fn((v) => {
    const x = num('isnan', v);
    return x !== x;
  });
  t['isnormal/0'] = fn((v) => {
    const x = num('isnormal', v);
    return isFinite(x) && x !== 0 && Math.abs(x) >= 2.2250738585072014e-308;
  });
  t['abs/0'] = fn((v) => {
    // jq 1.8.2: `if . < 0 then - . else . end` (null and false sort below numbers and cannot be negated)
    if (typeof v === 'number') return v < 0 ? -v : v;
    if (v === null || typeof v === 'boolean') throw runtimeError(`${describe(v)} cannot be negated`);
    return v;
  });
  t['toarray/0'] = fn((v) => (Array.isArray(v) ? v : [v]));
  return t;
})();
