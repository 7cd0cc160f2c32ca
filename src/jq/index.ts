/**
 * The jq engine: a deterministic jq 1.7/1.8 implementation that runs inside sandboxed workflow code.
 * This file is the one public entry point; the implementation lives under impl/.
 *
 *   const jq = new Engine({ regex });          // one per host, shared by everything it compiles
 *   jq.compile('.a + 1').evaluate({ a: 1 });   // [2]
 */
export { Engine } from './impl/engine';
export type { EngineOptions } from './impl/engine';
export type { EvalOptions, Program, StepMeter } from './impl/program';
export { JqError } from './impl/errors';
export type { JqErrorCode, JqPosition } from './impl/errors';
export { DEFAULT_BUDGET } from './impl/runtime';
export type { Budget } from './impl/runtime';
export type { RegexEngine, RegexFlags, RegexProgram } from './impl/regex';
