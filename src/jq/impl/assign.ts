/** Assignments: `=`, `|=`, `+=` and the other arithmetic updates, `//=`. */
import { invalidPath } from './combinators';
import { binaryOp } from './ops';
import { delpaths, getpath, setpath, type CopyPolicy } from './paths';
import { chargeSteps, INVALID_PATH, type Env, type Fn, type Path } from './runtime';
import { isTruthy } from './values';

/** Collects the paths `lhs` designates in `input`. */
export function collectPaths(lhs: Fn, input: unknown, env: Env): Path[] {
  const paths: Path[] = [];
  lhs(input, [], env, (v, p) => {
    if (p === null || p === INVALID_PATH) throw invalidPath(v);
    paths.push(p);
  });
  return paths;
}

/** `lhs |= f` as jq 1.8: the first output of f replaces each path; paths where f is empty are deleted at the end. */
export function modify(lhs: Fn, update: Fn, input: unknown, env: Env): unknown {
  const cost = (n: number): void => chargeSteps(env.ctx, n);
  const policy: CopyPolicy = { cost, owned: new Set() };
  let out = input;
  const doomed: Path[] = [];
  for (const p of collectPaths(lhs, input, env)) {
    let got = false;
    let value: unknown;
    const stop = {};
    const current = getpath(out, p);
    // `update` may keep what it is given: a container copied by this series must not be changed in place after
    if (current !== null && typeof current === 'object' && policy.owned?.has(current)) policy.owned.clear();
    try {
      update(current, null, env, (v) => {
        value = v;
        got = true;
        throw stop;
      });
    } catch (err) {
      if (err !== stop) throw err;
    }
    if (got) out = setpath(out, p, value, policy);
    else doomed.push(p);
  }
  return doomed.length > 0 ? delpaths(out, doomed, cost) : out;
}

export function assignFn(op: string, lhs: Fn, rhs: Fn): Fn {
  if (op === '|=') return (i, _p, e, emit) => emit(modify(lhs, rhs, i, e), null);
  return (i, _p, e, emit) =>
    rhs(i, null, e, (v) => {
      const policy: CopyPolicy = { cost: (n) => chargeSteps(e.ctx, n), owned: new Set() };
      let out = i;
      for (const p of collectPaths(lhs, i, e)) {
        if (op === '=') out = setpath(out, p, v, policy);
        else if (op === '//=') {
          const old = getpath(out, p);
          out = setpath(out, p, isTruthy(old) ? old : v, policy);
        } else out = setpath(out, p, binaryOp(op.slice(0, -1), getpath(out, p), v), policy);
      }
      emit(out, null);
    });
}
