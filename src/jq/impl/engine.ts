/**
 * The Engine: compiles programs and owns what its programs share, the compile cache and the builtins
 * (natives, jq-defined builtins compiled on first use, regular expressions). Hosts create one and share it
 * explicitly; nothing in the engine lives at module level, so two engines never see each other's state.
 */
import { compileFilter } from './compiler';
import { JqError, withStack } from './errors';
import { BuiltinLibrary } from './library';
import { parse } from './parser';
import { CompiledProgram, type Program } from './program';
import type { RegexEngine } from './regex';
import type { Filter } from './runtime';
import type { Scope } from './scope';

export interface EngineOptions {
  /** How many compiled programs to keep, least recently used first out (default 1000). */
  readonly cacheSize?: number;
  /**
   * The linear-time engine for regular expressions with repetition (RE2 syntax, e.g. re2js). Without it,
   * only patterns that cannot backtrack catastrophically (no repetition, few alternatives) can run.
   */
  readonly regex?: RegexEngine;
}

const DEFAULT_CACHE_SIZE = 1000;

export class Engine {
  /** Compiled programs by text (a Map keeps insertion order: the first key is the least recently used). */
  private readonly cache = new Map<string, CompiledProgram>();
  private readonly cacheSize: number;
  private readonly lib: BuiltinLibrary;

  constructor(options: EngineOptions = {}) {
    this.cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    this.lib = new BuiltinLibrary(options.regex);
  }

  /** Compiles a jq program, or returns the cached one for the same text. Throws JqError on parse/compile errors. */
  compile(text: string): Program {
    const hit = this.cache.get(text);
    if (hit) {
      this.cache.delete(text);
      this.cache.set(text, hit);
      return hit;
    }
    let program: CompiledProgram;
    try {
      program = this.compileText(text);
    } catch (e) {
      throw e instanceof JqError ? withStack(e, this.compile) : e;
    }
    this.cache.set(text, program);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    return program;
  }

  /** Lists the host-dependent builtins and variables a program uses, without evaluating it. */
  hostDependencies(text: string): string[] {
    return [...this.compile(text).hostDependencies];
  }

  private compileText(text: string): CompiledProgram {
    const ast = parse(text);
    const scope: Scope = { funcs: null, vars: null, free: new Set(), host: new Set(), lib: this.lib, text };
    let compiled: Filter;
    try {
      compiled = compileFilter(ast, scope);
    } catch (e) {
      if (e instanceof RangeError) throw new JqError('compile', 'program is nested too deeply');
      throw e;
    }
    return new CompiledProgram(text, compiled, [...scope.free], [...scope.host].sort());
  }
}
