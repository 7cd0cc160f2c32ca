import { renderMermaid } from './graph';
import { loadWorkflow } from './loader';
import { wf } from './bad-documents.fixture';
import type { WorkflowDocument } from './dsl/model';

function graphOf(body: string): string {
  const result = loadWorkflow(wf(body));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return renderMermaid(result.workflow);
}

function lines(graph: string): string[] {
  return graph.split('\n').map((l) => l.trim());
}

describe('renderMermaid', () => {
  it('draws a sequence from start to end', () => {
    const g = graphOf('do:\n  - first: {set: {a: 1}}\n  - second: {wait: PT1S}\n');
    expect(lines(g)).toEqual([
      'flowchart TD',
      'start((start))',
      'finish(((end)))',
      't1["first<br/>set"]',
      't1 --> t2',
      't2["second<br/>wait"]',
      't2 --> finish',
      'start --> t1',
      '',
    ]);
  });

  it('follows then: task names, end and continue', () => {
    const g = lines(
      graphOf('do:\n  - a: {set: {x: 1}, then: c}\n  - b: {set: {x: 2}, then: end}\n  - c: {set: {x: 3}, then: b}\n'),
    );
    expect(g).toEqual(expect.arrayContaining(['t1 --> t3', 't2 --> finish', 't3 --> t2']));
  });

  it('draws switch cases as labelled edges, with "no match" when there is no default case', () => {
    const g = lines(
      graphOf(
        'do:\n  - route:\n      switch:\n        - big: {when: .n > 10, then: large}\n        - small: {when: .n < 3, then: end}\n  - medium: {set: {size: m}, then: end}\n  - large: {set: {size: l}}\n',
      ),
    );
    expect(g).toEqual(
      expect.arrayContaining(['t1{"route"}', 't1 -->|"big"| t3', 't1 -->|"small"| finish', 't1 -->|"no match"| t2']),
    );
    const withDefault = lines(
      graphOf(
        'do:\n  - route:\n      switch:\n        - big: {when: .n > 10, then: end}\n        - other: {then: continue}\n  - next: {set: {x: 1}}\n',
      ),
    );
    expect(withDefault).toEqual(expect.arrayContaining(['t1 -->|"other"| t2']));
    expect(withDefault.some((l) => l.includes('no match'))).toBe(false);
  });

  it("follows the switch task's own then when no case matches", () => {
    const g = lines(
      graphOf(
        'do:\n  - route:\n      switch:\n        - big: {when: .n > 10, then: continue}\n      then: end\n  - next: {set: {x: 1}}\n',
      ),
    );
    expect(g).toEqual(expect.arrayContaining(['t1 -->|"big"| t2', 't1 -->|"no match"| finish']));
  });

  it('draws for, fork and try/catch as subgraphs', () => {
    const g = lines(
      graphOf(
        [
          'do:',
          '  - loop:',
          '      for: {each: item, in: .items}',
          '      do:',
          '        - inner: {set: {x: 1}}',
          '  - both:',
          '      fork:',
          '        compete: true',
          '        branches:',
          '          - left: {set: {l: 1}}',
          '          - right: {set: {r: 1}}',
          '  - guarded:',
          '      try:',
          '        - risky: {call: http, with: {method: get, endpoint: "http://x"}}',
          '      catch:',
          '        do:',
          '          - recover: {set: {ok: false}}',
        ].join('\n') + '\n',
      ),
    );
    expect(g).toEqual(
      expect.arrayContaining([
        'subgraph t1["loop: for each item in .items"]',
        't4["inner<br/>set"]',
        't1 --> t2',
        'subgraph t2["both: fork (compete)"]',
        't5["left<br/>set"]',
        't6["right<br/>set"]',
        't2 --> t3',
        'subgraph t3["guarded: try"]',
        't7["risky<br/>call http"]',
        't8["recover<br/>set"]',
        't3_try -.->|"error"| t3_catch',
        't3 --> finish',
      ]),
    );
    // Parallel branches are not chained to each other.
    expect(g).not.toContain('t5 --> t6');
  });

  it('labels a for over an inline array with its length', () => {
    const g = graphOf(
      'do:\n  - loop:\n      for: {each: c, in: [{n: 1}, {n: 2}]}\n      do:\n        - a: {set: {x: 1}}\n',
    );
    expect(g).toContain('subgraph t1["loop: for each c in [2 items]"]');
  });

  it("styles each task by its status in a run, by the interpreter's task positions", () => {
    const result = loadWorkflow(
      wf(
        [
          'do:',
          '  - loop:',
          '      for: {each: item, in: .items}',
          '      do:',
          '        - inner: {set: {x: 1}}',
          '  - guarded:',
          '      try:',
          '        - risky: {call: http, with: {method: get, endpoint: "http://x"}}',
          '      catch:',
          '        do:',
          '          - recover: {set: {ok: false}}',
          '  - maybe: {if: .never, set: {x: 2}}',
          '  - later: {wait: PT1S}',
        ].join('\n') + '\n',
      ),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const statuses = new Map([
      ['/do/0/loop', 'completed'],
      ['/do/0/loop/do/0/inner', 'completed'],
      ['/do/1/guarded', 'running'],
      ['/do/1/guarded/try/0/risky', 'failed'],
      ['/do/1/guarded/catch/do/0/recover', 'running'],
      ['/do/2/maybe', 'skipped'],
    ] as const);
    const g = lines(renderMermaid(result.workflow, new Map(statuses)));
    expect(g).toEqual(
      expect.arrayContaining([
        'class t1,t5 completed',
        'class t2,t7 running',
        'class t6 failed',
        'class t3 skipped',
        'class t4 notReached',
      ]),
    );
    expect(g.filter((l) => l.startsWith('classDef '))).toHaveLength(5);
    // Without statuses the flowchart is unstyled.
    expect(renderMermaid(result.workflow)).not.toContain('classDef');
  });

  it('escapes names that would break Mermaid syntax', () => {
    const workflow = {
      document: { dsl: '1.0.3', namespace: 'a', name: 'n', version: '1' },
      do: [{ 'say "hi" <now>': { set: { x: 1 } } }],
    } as WorkflowDocument;
    expect(renderMermaid(workflow)).toContain('t1["say #quot;hi#quot; #lt;now#gt;<br/>set"]');
  });
});
