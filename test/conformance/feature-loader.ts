/**
 * Reads the Serverless Workflow conformance kit (Gherkin `.feature` files) from disk at test time.
 * The kit is not vendored into the project: it lives beside the checkout (or wherever CTK_DIR points),
 * so the harness always measures the runner against the kit as published.
 *
 * Scenarios are produced through Gherkin's own compiler ("pickles"), so Backgrounds, Scenario Outlines
 * and `And`/`But` continuation steps are expanded exactly as Cucumber would expand them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator, type GherkinDocument, type Step } from '@cucumber/messages';

export interface CtkStep {
  /** The step keyword as written (`Given `, `And `, `Then `...), kept for messages only. */
  keyword: string;
  /** The step text without its keyword. */
  text: string;
  line: number;
  docString?: { mediaType?: string; content: string };
}

export interface CtkScenario {
  /** File name of the feature, e.g. `call.feature`. */
  file: string;
  feature: string;
  name: string;
  line: number;
  steps: CtkStep[];
}

export interface CtkKit {
  /** The kit's folder name under `../shared/conformance/`, or `CTK_DIR` when that was set. */
  name: string;
  dir: string;
}

const sharedKit = (name: string) => path.resolve(__dirname, '..', '..', '../shared/conformance', name, 'ctk/features');

/**
 * The kits to run. `CTK_DIR` names exactly one kit (and only that one runs). Otherwise both published kits
 * run: the Serverless Workflow kit (DSL 1.0.3 as released) and the Open Workflow Specification kit (the
 * renamed specification, whose standard error types moved to a new domain), each from `../shared` beside
 * the checkout unless its own variable (`SW_CTK_DIR`, `OWS_CTK_DIR`) points elsewhere.
 */
export function conformanceKits(env: Record<string, string | undefined> = process.env): CtkKit[] {
  if (env.CTK_DIR) return [{ name: 'CTK_DIR', dir: env.CTK_DIR }];
  return [
    { name: 'serverless-workflow', dir: env.SW_CTK_DIR ?? sharedKit('serverless-workflow') },
    { name: 'open-workflow-specification', dir: env.OWS_CTK_DIR ?? sharedKit('open-workflow-specification') },
  ];
}

/** Where the first kit lives: CTK_DIR, else the shared Serverless Workflow kit next to the repository root. */
export function defaultCtkDir(): string {
  return conformanceKits()[0].dir;
}

/** Every `.feature` file of `dir`, sorted by name so the test order is stable. */
export function listFeatureFiles(dir: string): string[] {
  if (!existsSync(dir))
    throw new Error(`conformance kit not found at ${dir} (set CTK_DIR to the kit's features folder)`);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.feature'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Parses one feature's source into scenarios; a Gherkin syntax error throws with the file's name. */
export function parseFeature(source: string, file: string): CtkScenario[] {
  const newId = IdGenerator.incrementing();
  const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
  let document: GherkinDocument;
  try {
    document = parser.parse(source);
  } catch (error) {
    throw new Error(`${file}: not valid Gherkin: ${(error as Error).message}`);
  }
  const astSteps = indexSteps(document);
  const feature = document.feature?.name ?? file;
  return compile(document, file, newId).map((pickle) => ({
    file,
    feature,
    name: pickle.name,
    line: pickle.location?.line ?? 0,
    steps: pickle.steps.map((step) => {
      const source = astSteps.get(step.astNodeIds[0]);
      const docString = step.argument?.docString;
      return {
        keyword: source?.keyword ?? '',
        text: step.text,
        line: source?.location.line ?? 0,
        ...(docString ? { docString: { mediaType: docString.mediaType, content: docString.content } } : {}),
      };
    }),
  }));
}

/** Loads every scenario of every feature file in `dir`. */
export function loadScenarios(dir: string = defaultCtkDir()): CtkScenario[] {
  return listFeatureFiles(dir).flatMap((file) => parseFeature(readFileSync(file, 'utf8'), path.basename(file)));
}

/** Maps AST step ids to their steps, so compiled steps can be traced back to keyword and line. */
function indexSteps(document: GherkinDocument): Map<string, Step> {
  const steps = new Map<string, Step>();
  const add = (list: readonly Step[] | undefined) => list?.forEach((step) => steps.set(step.id, step));
  for (const child of document.feature?.children ?? []) {
    add(child.background?.steps);
    add(child.scenario?.steps);
    for (const ruleChild of child.rule?.children ?? []) {
      add(ruleChild.background?.steps);
      add(ruleChild.scenario?.steps);
    }
  }
  return steps;
}
