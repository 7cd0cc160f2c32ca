/**
 * Runtime expressions of the DSL (jq). Strict mode (the default) treats only strings written `${ ... }` as
 * expressions; loose mode also interpolates `${ }` fragments inside longer strings. Fields that are
 * expressions by definition (`if`, `when`, `for.in`, `input.from`, `output.as`, `export.as`, ...) accept bare
 * jq too, as the conformance kit writes them. Sandbox-safe: compiled programs are cached per evaluator.
 */
import {
  DEFAULT_BUDGET,
  JqError,
  type Budget,
  type Engine,
  type EvalOptions,
  type Program,
  type StepMeter,
} from '../../jq';
import { dslError, WorkflowFault } from './errors';
import { workflowJq } from './jq-engine';
import type { EvaluationMode } from './model';

export type { EvaluationMode } from './model';

/** Named runtime arguments (without `$`): context, input, output, task, workflow, runtime and user variables. */
export type Variables = Record<string, unknown>;

export interface EvaluatorOptions {
  mode?: EvaluationMode;
  /** Seconds since the epoch; workflow code passes workflow time so `now` stays deterministic. */
  now: () => number;
  /** What jq's `$ENV`/`env` read: the run's non-secret environment entries (never the host's). */
  env?: Record<string, string>;
  /** The jq engine compiling the expressions (default: the one shared engine of the DSL runtime). */
  engine?: Engine;
}

/**
 * The jq budget of one expression. Workflow code runs under the SDK's 5 s limit per activation, past which
 * the workflow task fails and is retried for ever; the slowest jq steps take about 0.5 µs on a loaded
 * two-core machine, so 2,000,000 steps keep any one expression near a second. Every other limit is jq's
 * default (DEFAULT_BUDGET in src/jq).
 */
export const EXPRESSION_BUDGET: Budget = Object.freeze({ ...DEFAULT_BUDGET, maxSteps: 2_000_000 });

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

/**
 * `${ }` strings → their jq text (null for a literal), shared by all runs: a pure function of the string,
 * so sharing it cannot make one run see another's data. Bounded (cleared when full).
 */
const STRICT_TEXTS = new Map<string, string | null>();
const STRICT_TEXTS_LIMIT = 10_000;

/** The jq text of a `${ }` string, or undefined when the string is a literal. */
export function strictExpressionText(value: string): string | undefined {
  let text = STRICT_TEXTS.get(value);
  if (text === undefined) {
    text = STRICT.exec(value)?.[1] ?? null;
    if (STRICT_TEXTS.size >= STRICT_TEXTS_LIMIT) STRICT_TEXTS.clear();
    STRICT_TEXTS.set(value, text);
  }
  return text ?? undefined;
}

/** An expression text as this evaluator has seen it: compiled on first evaluation. */
interface CompiledExpression {
  readsSecrets: boolean;
  program: Program | undefined;
}

export class ExpressionEvaluator {
  private readonly cache = new Map<string, CompiledExpression>();
  readonly mode: EvaluationMode;
  private readonly engine: Engine;
  /** Reused for every evaluation (evaluations never nest): only `variables` changes. */
  private readonly evalOptions: EvalOptions & { variables: Variables };
  /**
   * jq steps and evaluations so far (failed ones included): the deterministic measure of expression work
   * that workflow code slices activations by (temporal/workflows/interpreter/run-guard.ts). How src/jq
   * charges steps is therefore part of the replay contract: see expressions.meter.spec.ts.
   */
  readonly meter: StepMeter & { evaluations: number } = { steps: 0, evaluations: 0 };

  constructor(options: EvaluatorOptions) {
    this.mode = options.mode ?? 'strict';
    this.engine = options.engine ?? workflowJq;
    this.evalOptions = {
      variables: {},
      now: options.now,
      env: options.env ?? {},
      budget: EXPRESSION_BUDGET,
      meter: this.meter,
    };
  }

  /** Whether a value is a runtime expression in this mode (as opposed to a literal). */
  isExpression(value: unknown): value is string {
    if (typeof value !== 'string') return false;
    if (strictExpressionText(value) !== undefined) return true;
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
    const text = strictExpressionText(value);
    if (text === undefined && !(this.mode === 'loose' && value.includes('${'))) return value;
    if (options.deferSecrets && referencesSecrets(value)) return { $deferredExpression: value };
    if (text !== undefined) return this.run(text, input, vars, options.instance);
    // Loose mode: interpolate each `${ }` fragment into the surrounding string.
    return value.replace(/\$\{([^}]*)\}/g, (_m, expr: string) => {
      const v = this.run(expr, input, vars, options.instance);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }

  /** Evaluates jq text; the first output (or null when there is none). */
  run(text: string, input: unknown, vars: Variables, instance?: string): unknown {
    try {
      let compiled = this.cache.get(text);
      if (!compiled) {
        compiled = { readsSecrets: referencesSecrets(text), program: undefined };
        this.cache.set(text, compiled);
      }
      if (compiled.readsSecrets && !('secrets' in vars)) {
        throw new WorkflowFault(
          dslError('expression', '$secrets can only be read by tasks that call out (call, run, emit)', { instance }),
        );
      }
      compiled.program ??= this.engine.compile(text);
      this.meter.evaluations += 1;
      this.evalOptions.variables = vars;
      const results = compiled.program.evaluate(input, this.evalOptions);
      return results.length > 0 ? results[0] : null;
    } catch (e) {
      if (e instanceof WorkflowFault) throw e;
      const message = e instanceof Error ? e.message : String(e);
      const code = e instanceof JqError ? e.code : 'runtime';
      throw new WorkflowFault(
        dslError('expression', `${code} error in '${text.trim().slice(0, 120)}': ${message}`, { instance }),
      );
    }
  }
}
