/**
 * The DSL conformance kit: every workflow of every CTK feature loads, and graphs; the vendored JSON
 * schema is the specification's own. Reads the kit from SW_CONFORMANCE_DIR, default
 * <repo>/../shared/conformance/serverless-workflow (the kit is not copied into the project).
 */
import { AstBuilder, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { renderMermaid } from './graph';
import { loadWorkflow } from './loader';
import vendoredSchema from './validation/schema/workflow-1.0.3.schema.json';

const KIT =
  process.env.SW_CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../shared/conformance/serverless-workflow');
const FEATURES = path.join(KIT, 'ctk', 'features');

interface CtkWorkflow {
  feature: string;
  scenario: string;
  yaml: string;
}

function ctkWorkflows(): CtkWorkflow[] {
  const out: CtkWorkflow[] = [];
  for (const file of fs
    .readdirSync(FEATURES)
    .filter((f) => f.endsWith('.feature'))
    .sort()) {
    const parser = new Parser(new AstBuilder(IdGenerator.incrementing()), new GherkinClassicTokenMatcher());
    const doc = parser.parse(fs.readFileSync(path.join(FEATURES, file), 'utf8'));
    for (const child of doc.feature?.children ?? []) {
      for (const step of child.scenario?.steps ?? []) {
        if (/a workflow with definition/.test(step.text) && step.docString) {
          out.push({ feature: file, scenario: child.scenario!.name, yaml: step.docString.content });
        }
      }
    }
  }
  return out;
}

const workflows = ctkWorkflows();

describe('conformance kit workflows', () => {
  it('finds the workflows of every feature file', () => {
    const features = fs.readdirSync(FEATURES).filter((f) => f.endsWith('.feature'));
    expect(new Set(workflows.map((w) => w.feature)).size).toBe(features.length);
    expect(workflows.length).toBeGreaterThanOrEqual(21);
  });

  it.each(workflows.map((w) => [`${w.feature}: ${w.scenario}`, w] as const))('%s loads', (_name, w) => {
    const result = loadWorkflow(w.yaml);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    expect(result.workflow).toEqual(parse(w.yaml));
    const graph = renderMermaid(result.workflow);
    expect(graph.startsWith('flowchart TD\n')).toBe(true);
    for (const entry of result.workflow.do) expect(graph).toContain(`"${Object.keys(entry)[0]}`);
  });
});

describe('vendored DSL schema', () => {
  it('is identical to the specification schema of the conformance kit', () => {
    const spec: unknown = parse(fs.readFileSync(path.join(KIT, 'schema', 'workflow.yaml'), 'utf8'));
    expect(vendoredSchema).toEqual(spec);
  });
});

describe('@serverlessworkflow/sdk 1.0.1', () => {
  // Why the schema is vendored: the SDK embeds the 1.0.0 schema and refuses any other `document.dsl`,
  // so it cannot validate the kit's 1.0.3 documents.
  it('rejects the conformance kit documents because they are DSL 1.0.3', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require('@serverlessworkflow/sdk') as { validate: (type: string, data: unknown) => void };
    expect(() => sdk.validate('Workflow', parse(workflows[0].yaml))).toThrow(
      /doesn't match the supported version of the SDK '1.0.0'/,
    );
    expect(loadWorkflow(workflows[0].yaml).ok).toBe(true);
  });
});
