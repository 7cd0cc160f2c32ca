/**
 * Microtask steps are part of the replay contract. Inside `fork` branches and timeout races, the order in
 * which concurrent chains issue commands after completions that arrive in one activation is decided by how
 * many microtask steps each chain takes (see steps.ts). This spec pins those steps for the shapes a
 * concurrent region can hold: it runs `serverlessWorkflow` against a stand-in for `@temporalio/workflow`
 * that records every command with the microtask step at which it was issued, completes everything pending
 * at once (as one activation does), and compares the log with the one the interpreter produced when the
 * recorded histories were made.
 *
 * The stand-in is used because a Temporal server cannot show microtask steps: a history only holds the
 * order that one activation happened to produce. test/replay replays real recorded histories of the same
 * shapes against a real server.
 */
import { loadWorkflow } from '../../../zigflow/loader';
import type { WorkflowExecuteInput } from '../../contract';
/**
 * The logs the interpreter produced when the recorded histories were made (and, for protocol calls, when they
 * were introduced), by case. Each line: the microtask step (0 = issued synchronously within the activation)
 * and the command, or a cancelled scope.
 */
import EXPECTED from './step-order.expected.json';

interface Pending {
  label: string;
  request: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

const log: string[] = [];
const pending: Pending[] = [];
let step = 0;
let scopes = 0;

function issue(label: string, request?: unknown): Promise<unknown> {
  log.push(`${step} ${label}`);
  return new Promise((resolve, reject) => pending.push({ label, request, resolve, reject }));
}

jest.mock('@temporalio/workflow', () => {
  class ApplicationFailure extends Error {
    constructor(
      message: string,
      readonly type: string,
      readonly details: unknown[],
    ) {
      super(message);
    }
    static create(o: { message: string; type: string; details: unknown[] }): ApplicationFailure {
      return new ApplicationFailure(o.message, o.type, o.details);
    }
  }
  class ActivityFailure extends Error {
    constructor(override readonly cause: Error) {
      super('activity failed');
    }
  }
  class CancelledFailure extends Error {}
  class CancellationScope {
    private readonly id = ++scopes;
    // As the SDK's: `storage.run(this, () => this.runInContext(fn))`, whose body is `return await fn()`.
    async run<T>(fn: () => Promise<T>): Promise<T> {
      return await fn();
    }
    cancel(): void {
      log.push(`${step} cancel scope ${this.id}`);
    }
    static async nonCancellable<T>(fn: () => Promise<T>): Promise<T> {
      return fn();
    }
  }
  return {
    ActivityFailure,
    ApplicationFailure,
    CancellationScope,
    CancelledFailure,
    ChildWorkflowFailure: class extends Error {},
    ContinueAsNew: class extends Error {},
    ParentClosePolicy: { ABANDON: 2 },
    condition: () => new Promise(() => undefined),
    continueAsNew: () => new Promise(() => undefined),
    defineQuery: (name: string) => ({ name }),
    defineSignal: (name: string) => ({ name }),
    setHandler: () => undefined,
    isCancellation: (e: unknown) => e instanceof CancelledFailure,
    // The `unknownFunction` shape is a call that fails at run time as an unknown function: what a cataloged
    // function did before the runner ran them, and still does in runs without the 'catalog-functions' patch.
    patched: (id: string) => id !== 'catalog-functions',
    proxySinks: () => ({ progress: { emitBatch: () => undefined } }),
    uuid4: () => '00000000-0000-4000-8000-000000000000',
    workflowInfo: () => ({ workflowId: 'steps', continueAsNewSuggested: false, historyLength: 0 }),
    scheduleActivity: (name: string, args: unknown[], options: { summary?: string }) =>
      issue(`activity ${name} ${options.summary ?? ''}`, args[0]),
    scheduleLocalActivity: (name: string) => issue(`local ${name}`),
    sleep: (ms: number, options?: { summary?: string }) => issue(`timer ${options?.summary ?? ms}`),
    executeChild: (type: string, options: { workflowId: string }) => issue(`child ${type} ${options.workflowId}`),
    startChild: (type: string, options: { workflowId: string }) => issue(`start child ${type} ${options.workflowId}`),
  };
});

// After the mock: the workflow code sees the stand-in.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require('@temporalio/workflow') as {
  ActivityFailure: new (cause: Error) => Error;
  ApplicationFailure: { create(o: { message: string; type: string; details: unknown[] }): Error };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serverlessWorkflow } = require('../serverless-workflow') as typeof import('../serverless-workflow');

const COMMUNICATION = 'https://serverlessworkflow.io/spec/1.0.0/errors/communication';

/** What a completed command returns: calls to a `/fail` endpoint fail with a DSL communication error. */
function complete(p: Pending): void {
  const args = (p.request as { args?: { endpoint?: unknown } } | undefined)?.args;
  if ((typeof args?.endpoint === 'string' && args.endpoint.includes('/fail')) || p.label.includes('failing')) {
    const error = { type: COMMUNICATION, status: 503, title: 'unavailable' };
    p.reject(
      new sdk.ActivityFailure(sdk.ApplicationFailure.create({ message: 'x', type: 'DslError', details: [error] })),
    );
    return;
  }
  if ((p.request as { describeAuthorization?: boolean } | undefined)?.describeAuthorization) {
    p.resolve({ output: { at: p.label }, authorization: { scheme: 'Bearer', parameter: null } });
    return;
  }
  if (p.label.startsWith('activity resolveWorkflowDefinition')) {
    p.resolve('document: { dsl: 1.0.3, namespace: t, name: child, version: 1.0.0 }\ndo: []\n');
    return;
  }
  if (p.label.startsWith('child')) {
    p.resolve({ status: 'completed', output: {}, tasks: [] });
    return;
  }
  if (p.label.startsWith('activity callAsyncApi')) {
    p.resolve([{ payload: { n: 1 } }]);
    return;
  }
  p.resolve({ at: p.label });
}

/** Lets the microtask queue run `steps` steps, numbering them. */
async function drain(steps = 200): Promise<void> {
  for (step = 1; step <= steps; step++) await null;
  step = 0;
}

/**
 * Runs a document: all commands pending after each activation complete together in the next one, in the
 * order they were issued (or reversed), until the run ends. Returns the command log and the outcome.
 */
async function run(yaml: string, options: { reverse?: boolean; hold?: RegExp } = {}): Promise<string[]> {
  log.length = 0;
  pending.length = 0;
  scopes = 0;
  // `missing:1.0.0` passes validation as if the runner's default catalog had it (see `patched` above).
  const loaded = loadWorkflow(yaml, { defaultCatalog: new Set(['missing:1.0.0']) });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const input: WorkflowExecuteInput = { executionId: 'steps', workflowYaml: '', input: {}, document: loaded.workflow };
  let outcome = 'running';
  serverlessWorkflow(input).then(
    (r) => (outcome = `completed ${JSON.stringify(r.output)}`),
    (e: { message?: string }) => (outcome = `failed ${e.message ?? ''}`),
  );
  await drain();
  for (let activation = 1; activation <= 20 && outcome === 'running'; activation++) {
    const batch = pending.splice(0).filter((p) => {
      if (options.hold?.test(p.label)) {
        pending.push(p);
        return false;
      }
      return true;
    });
    if (batch.length === 0) break;
    log.push(`-- activation ${activation}`);
    for (const p of options.reverse ? batch.reverse() : batch) complete(p);
    await drain();
  }
  log.push(outcome);
  return log.slice();
}

const header = (name: string, extra = '') =>
  `document: { dsl: '1.0.3', namespace: steps, name: ${name}, version: '1.0.0' }\n${extra}`;
const http = (path: string) => `{ call: http, with: { method: get, endpoint: 'http://svc${path}' } }`;

/** Branches whose first step waits in a different way; each then issues one more command. */
const FORK = `${header(
  'fork-shapes',
  `use:
  functions:
    fetch: ${http('/fn')}
`,
)}do:
  - split:
      fork:
        branches:
          - plain:
              do:
                - first: ${http('/plain')}
                - second: ${http('/plain/2')}
          - guarded:
              do:
                - first:
                    try:
                      - get: ${http('/guarded')}
                    catch: { errors: { with: { type: ${COMMUNICATION} } } }
                - second: { wait: { milliseconds: 1 } }
          - attemptBounded:
              do:
                - first:
                    try:
                      - get: ${http('/bounded')}
                    catch: { retry: { limit: { attempt: { count: 1, duration: PT1H } } } }
                - second: ${http('/bounded/2')}
          - function:
              do:
                - first: { call: fetch }
                - second: ${http('/function/2')}
          - timed:
              do:
                - first: { call: http, with: { method: get, endpoint: 'http://svc/timed' }, timeout: { after: PT1H } }
                - second: ${http('/timed/2')}
          - nested:
              do:
                - first:
                    do:
                      - inner: ${http('/nested')}
                - second: ${http('/nested/2')}
          - loop:
              do:
                - first:
                    for: { in: '\${ [1] }' }
                    do:
                      - each: ${http('/loop')}
                - second: ${http('/loop/2')}
          - caught:
              do:
                - first:
                    try:
                      - get: ${http('/fail/caught')}
                    catch: { do: [ { handle: ${http('/caught/handler')} } ] }
                - second: ${http('/caught/2')}
          - retried:
              do:
                - first:
                    try:
                      - get: ${http('/fail/retried')}
                    catch: { retry: { delay: { milliseconds: 5 }, limit: { attempt: { count: 1 } } }, do: [ { after: ${http('/retried/after')} } ] }
                - second: ${http('/retried/2')}
          - swallowed:
              do:
                - first:
                    try:
                      - get: ${http('/fail/swallowed')}
                    catch: {}
                - second: ${http('/swallowed/2')}
          - waited:
              do:
                - first: { wait: { milliseconds: 2 } }
                - second: ${http('/waited/2')}
          - emitted:
              do:
                - first: { emit: { event: { with: { source: 'https://steps', type: steps.e } } } }
                - second: ${http('/emitted/2')}
          - shell:
              do:
                - first: { run: { shell: { command: 'true' } } }
                - second: ${http('/shell/2')}
          - authorized:
              do:
                - first:
                    call: http
                    with: { method: get, endpoint: 'http://svc/authorized' }
                    output: { as: '\${ { out: ., auth: $authorization } }' }
                - second: ${http('/authorized/2')}
          - innerFork:
              do:
                - first:
                    fork:
                      branches:
                        - only: ${http('/inner-fork')}
                - second: ${http('/inner-fork/2')}
          - pureData:
              do:
                - first: { set: { done: true } }
                - second: ${http('/pure/2')}
          - raised:
              do:
                - first:
                    try:
                      - fail: { raise: { error: { type: https://example.com/e, status: 400 } } }
                    catch: {}
                - second: ${http('/raised/2')}
          - unknownFunction:
              do:
                - first:
                    try:
                      - bad: { call: 'missing:1.0.0@default' }
                    catch: {}
                - second: ${http('/unknown-function/2')}
          - child:
              do:
                - first: { run: { workflow: { namespace: t, name: child, version: 1.0.0 } } }
                - second: ${http('/child/2')}
`;

/** The same race (work against its timer) decided by steps when both complete in one activation. */
const TIMEOUTS = `${header('timeout-shapes')}do:
  - callRace:
      try:
        - get: { call: http, with: { method: get, endpoint: 'http://svc/race' }, timeout: { after: PT1H } }
      catch: { do: [ { lost: ${http('/race/lost')} } ] }
  - tryRace:
      try:
        - guarded:
            timeout: { after: PT1H }
            try:
              - get: ${http('/try-race')}
            catch: {}
      catch: { do: [ { lost: ${http('/try-race/lost')} } ] }
  - functionRace:
      try:
        - guarded:
            timeout: { after: PT1H }
            do:
              - get: ${http('/do-race')}
      catch: { do: [ { lost: ${http('/do-race/lost')} } ] }
  - last: ${http('/last')}
`;

/** Branches whose first step is a protocol call (`mcp`, `a2a`, `asyncapi` with a subscription's foreach). */
const PROTOCOL_FORK = `${header('protocol-shapes')}do:
  - split:
      fork:
        branches:
          - mcp:
              do:
                - first:
                    call: mcp
                    with: { method: tools/list, transport: { http: { endpoint: 'http://svc/mcp' } } }
                - second: ${http('/mcp/2')}
          - guardedMcp:
              do:
                - first:
                    try:
                      - get:
                          call: mcp
                          with: { method: tools/list, transport: { http: { endpoint: 'http://svc/mcp' } } }
                    catch: {}
                - second: { wait: { milliseconds: 1 } }
          - a2a:
              do:
                - failing:
                    try:
                      - send:
                          call: a2a
                          with:
                            method: message/send
                            server: http://svc/a2a
                            parameters: { message: { parts: [ { kind: text, text: hi } ] } }
                    catch: {}
                - second: ${http('/a2a/2')}
          - subscription:
              do:
                - first:
                    call: asyncapi
                    with:
                      document: { endpoint: 'http://svc/asyncapi.json' }
                      operation: watchOrders
                      subscription:
                        consume: { amount: 1 }
                        foreach:
                          do:
                            - each: ${http('/subscription/each')}
                - second: ${http('/subscription/2')}
          - plain:
              do:
                - first: ${http('/plain')}
                - second: ${http('/plain/2')}
`;

const WORKFLOW_TIMEOUT = `${header('workflow-timeout', 'timeout: { after: PT1H }\n')}do:
  - first:
      try:
        - get: ${http('/first')}
      catch: {}
  - second: ${http('/second')}
`;

describe('microtask steps of concurrent regions', () => {
  // Timeout timers are held back here (their races are the next test's subject), so every branch runs on.
  it('fork branches of every shape issue their next commands in the recorded order', async () => {
    expect(await run(FORK, { hold: / timeout$/ })).toEqual(EXPECTED['fork']);
  });

  it('the same branches, completions applied in reverse order', async () => {
    expect(await run(FORK, { hold: / timeout$/, reverse: true })).toEqual(EXPECTED['fork-reversed']);
  });

  it('protocol calls in fork branches issue their next commands in the recorded order', async () => {
    expect(await run(PROTOCOL_FORK)).toEqual(EXPECTED['protocol-fork']);
    expect(await run(PROTOCOL_FORK, { reverse: true })).toEqual(EXPECTED['protocol-fork-reversed']);
  });

  it('task timeouts racing their work in one activation are decided as recorded', async () => {
    expect(await run(TIMEOUTS)).toEqual(EXPECTED['timeouts']);
    expect(await run(TIMEOUTS, { reverse: true })).toEqual(EXPECTED['timeouts-reversed']);
  });

  it('a workflow timeout puts the whole document in a concurrent region', async () => {
    expect(await run(WORKFLOW_TIMEOUT, { hold: /workflow timeout/ })).toEqual(EXPECTED['workflow-timeout']);
    expect(await run(WORKFLOW_TIMEOUT, { reverse: true })).toEqual(EXPECTED['workflow-timeout-reversed']);
  });
});
