/**
 * The jq engine of the DSL runtime, with RE2 (re2js, linear time) for regular expressions.
 *
 * `workflowJq` is the one Engine that workflow code, the validator and the activities share: the worker
 * loads the workflow code once per reusable V8 context (SHARED_WORKFLOW_MODULES), so each expression is
 * compiled once per worker thread, not once per run. Sharing it cannot make one run see another's data:
 * its caches (compiled programs, builtins, regular expressions) are pure functions of their keys, and every
 * evaluation keeps its own state. Creating it does no work; builtins are parsed on first use.
 */
import { RE2JS } from 're2js';
import { Engine, type RegexEngine, type RegexFlags, type RegexProgram } from '../../jq';

/** re2js behind the jq engine's RegexEngine interface. */
export const re2Regex: RegexEngine = {
  compile(pattern: string, flags: RegexFlags): RegexProgram {
    const re = RE2JS.compile(
      pattern,
      (flags.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (flags.dotAll ? RE2JS.DOTALL : 0),
    );
    const groups = re.groupCount();
    return {
      exec(input, from) {
        // a matcher per search: a cached one would keep its last input (possibly megabytes) alive
        const matcher = re.matcher(input);
        if (!matcher.find(from)) return null;
        const out = new Array<number>(2 * (groups + 1));
        for (let k = 0; k <= groups; k++) {
          out[2 * k] = matcher.start(k);
          out[2 * k + 1] = matcher.end(k);
        }
        return out;
      },
      test: (input) => re.test(input),
    };
  },
};

/** A new engine configured as the DSL runs jq (for hosts and tests that want their own caches). */
export function createDslJq(): Engine {
  return new Engine({ regex: re2Regex });
}

export const workflowJq: Engine = createDslJq();
