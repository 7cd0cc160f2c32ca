/** Assignments: `=`, `|=`, `+=` and the other arithmetic updates, `//=`. */
import { invalidPath } from './combinators';
import { binaryOp } from './ops';
import { getpath, setpath, delpaths } from './paths';
import { INVALID_PATH, type Env, type Fn, type Path } from './runtime';
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
  let out = input;
  const doomed: Path[] = [];
  for (const p of collectPaths(lhs, input, env)) {
    let got = false;
    let value: unknown;
    const stop = {};
    try {
      update(getpath(out, p), null, env, (v) => {
        value = v;
        got = true;
        throw stop;
      });
    } catch (err) {
      if (err !== stop) throw err;
    }
    if (got) out = setpath(out, p, value);
    else doomed.push(p);
  }
  return doomed.length > 0 ? delpaths(out, doomed) : out;
}

export function assignFn(op: string, lhs: Fn, rhs: Fn): Fn {
  if (op === '|=') return (i, _p, e, emit) => emit(modify(lhs, rhs, i, e), null);
  return (i, _p, e, emit) =>
    rhs(i, null, e, (v) => {
      let out = i;
      for (const p of collectPaths(lhs, i, e)) {
        if (op === '=') out = setpath(out, p, v);
        else if (op === '//=') {
          const old = getpath(out, p);
          out = setpath(out, p, isTruthy(old) ? old : v);
        } else out = setpath(out, p, binaryOp(op.slice(0, -1), getpath(out, p), v));
      }
      emit(out, null);
    });
}
