/**
 * A cataloged function's definition (`function.yaml`) is a task definition (spec: "Creating a Custom
 * Function"). It is checked with the runner's own loader by placing it in a minimal document as its only
 * task, so a function gets exactly the schema and semantic checks a task gets; problems are reported with
 * pointers inside the function file (`/run/script/language: ...`).
 */
import { parse as parseYaml } from 'yaml';
import { validateDocument } from '../zigflow/loader';

const TASK = 'function';
const PREFIX = `/do/0/${TASK}`;

export type DefinitionCheck = { ok: true; definition: Record<string, unknown> } | { ok: false; problems: string[] };

/** Parses YAML (or JSON) text and checks it as a task definition. */
export function parseFunctionDefinition(text: string): DefinitionCheck {
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    return { ok: false, problems: [`not YAML: ${(e as Error).message.split('\n')[0].slice(0, 200)}`] };
  }
  return checkFunctionDefinition(value);
}

export function checkFunctionDefinition(value: unknown): DefinitionCheck {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problems: ['a function definition must be a mapping (a task definition)'] };
  }
  const document = {
    document: { dsl: '1.0.3', namespace: 'catalog', name: 'function', version: '0.0.0' },
    do: [{ [TASK]: value }],
  };
  const result = validateDocument(document);
  if (result.ok) return { ok: true, definition: value as Record<string, unknown> };
  return {
    ok: false,
    problems: result.problems.map((p) => {
      const pointer = p.pointer.startsWith(PREFIX) ? p.pointer.slice(PREFIX.length) || '/' : p.pointer || '/';
      return `${pointer}: ${p.message}`;
    }),
  };
}
