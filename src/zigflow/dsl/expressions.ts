/**
 * Runtime expressions of the DSL (jq). Strict mode (the default) treats only strings written `${ ... }` as
 * expressions; loose mode also interpolates `${ }` fragments inside longer strings. Fields that are
 * expressions by definition (`if`, `when`, `for.in`, `input.from`, `output.as`, `export.as`, ...) accept bare
 * jq too, as the conformance kit writes them. Sandbox-safe: compiled programs are cached per evaluator.
 */
import { compile, JqError, type Program } from '../../jq';
import { dslError, WorkflowFault } from './errors';

export type EvaluationMode = 'strict' | 'loose';

/** Named runtime arguments (without `$`): context, input, output, task, workflow, runtime and user variables. */
export type Variables = Record<string, unknown>;

export interface EvaluatorOptions {
  mode?: EvaluationMode;
  /** Seconds since the epoch; workflow code passes workflow time so `now` stays deterministic. */
  now: () => number;
  /** What jq's `$ENV`/`env` read: the run's non-secret environment entries (never the host's). */
  env?: Record<string, string>;
}

const STRICT = /^\s*\$\{([\s\S]*)\}\s*$/;
const SECRETS = /\$secrets\b/;

/** Marker left in place of an expression whose evaluation needs secrets (done later, inside an activity). */
export interface DeferredExpression {
  $deferredExpression: string;
}

export function isDeferred(value: unknown): value is DeferredExpression {
  return !!value && typeof value === 'object' && typeof (value as DeferredExpression).$deferredExpression === 'string';
}

export function referencesSecrets(text: string): boolean {
  return SECRETS.test(text);
}

/** The jq text of a `${ }` string, or undefined when the string is a literal. */
export function strictExpressionText(value: string): string | undefined {
  const m = STRICT.exec(value);
  return m ? m[1] : undefined;
}

export class ExpressionEvaluator {
  private readonly cache = new Map<string, Program>();
  readonly mode: EvaluationMode;

  constructor(private readonly options: EvaluatorOptions) {
    this.mode = options.mode ?? 'strict';
  }

  /** Whether a value is a runtime expression in this mode (as opposed to a literal). */
  isExpression(value: unknown): value is string {
    if (typeof value !== 'string') return false;
    if (STRICT.test(value)) return true;
    return this.mode === 'loose' && value.includes('${');
  }

  /** A field that is an expression by definition: `${ }` or bare jq; non-strings are literals. */
  evaluateField(value: unknown, input: unknown, vars: Variables, instance?: string): unknown {
    if (typeof value !== 'string') return this.evaluateTemplate(value, input, vars, { instance });
    return this.run(strictExpressionText(value) ?? value, input, vars, instance);
  }

  /** Like {@link evaluateField}, requiring a boolean result (`if`, `when`, `while`). */
  evaluateCondition(value: unknown, input: unknown, vars: Variables, instance?: string): boolean {
    const result = this.evaluateField(value, input, vars, instance);
    if (typeof result !== 'boolean') {
      const preview = JSON.stringify(result)?.slice(0, 80);
      throw new WorkflowFault(dslError('expression', `condition must be a boolean, got ${preview}`, { instance }));
    }
    return result;
  }

  /**
   * Evaluates every expression inside an object/array template. With `deferSecrets`, expressions that read
   * `$secrets` are left as {@link DeferredExpression} markers for the activity that holds the secrets.
   */
  evaluateTemplate(
    value: unknown,
    input: unknown,
    vars: Variables,
    options: { instance?: string; deferSecrets?: boolean } = {},
  ): unknown {
    if (typeof value === 'string') return this.evaluateString(value, input, vars, options);
    if (Array.isArray(value)) return value.map((v) => this.evaluateTemplate(v, input, vars, options));
    if (value && typeof value === 'object') {
      const template = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k in template) out[k] = this.evaluateTemplate(template[k], input, vars, options);
      return out;
    }
    return value;
  }

  private evaluateString(
    value: string,
    input: unknown,
    vars: Variables,
    options: { instance?: string; deferSecrets?: boolean },
  ): unknown {
    if (!this.isExpression(value)) return value;
    if (options.deferSecrets && referencesSecrets(value)) return { $deferredExpression: value };
    const text = strictExpressionText(value);
    if (text !== undefined) return this.run(text, input, vars, options.instance);
    // Loose mode: interpolate each `${ }` fragment into the surrounding string.
    return value.replace(/\$\{([^}]*)\}/g, (_m, expr: string) => {
      const v = this.run(expr, input, vars, options.instance);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }

  /** Evaluates jq text; the first output (or null when there is none). */
  run(text: string, input: unknown, vars: Variables, instance?: string): unknown {
    if (referencesSecrets(text) && !('secrets' in vars)) {
      throw new WorkflowFault(
        dslError('expression', '$secrets can only be read by tasks that call out (call, run, emit)', { instance }),
      );
    }
    try {
      const results = this.program(text).evaluate(input, {
        variables: vars,
        now: this.options.now,
        env: this.options.env ?? {},
      });
      return results.length > 0 ? results[0] : null;
    } catch (e) {
      if (e instanceof WorkflowFault) throw e;
      const message = e instanceof Error ? e.message : String(e);
      const code = e instanceof JqError ? e.code : 'runtime';
      throw new WorkflowFault(dslError('expression', `${code} error in '${text.trim().slice(0, 120)}': ${message}`, { instance }));
    }
  }

  private program(text: string): Program {
    let p = this.cache.get(text);
    if (!p) {
      p = compile(text);
      this.cache.set(text, p);
    }
    return p;
  }
}
