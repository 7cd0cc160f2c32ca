/**
 * The examples `npm run demo -- --example NAME` runs, and the local services each needs: the inventory
 * HTTP service (order processing) or the local OpenAI-compatible model server (the default catalog's AI
 * functions; no language model can run on this machine, see demo-model-server.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type DemoService = 'inventory' | 'model' | 'mcp';

export interface DemoExample {
  name: string;
  /** What the demo prints before running it. */
  description: string;
  needs: DemoService[];
}

export const DEMO_EXAMPLES: readonly DemoExample[] = [
  {
    name: 'order-processing',
    description: 'set, switch, for + try/retry over HTTP, fork',
    needs: ['inventory'],
  },
  {
    name: 'support-triage',
    description: 'chat:1.0.0@default with responseFormat, then a switch on the typed reply',
    needs: ['model'],
  },
  {
    name: 'retrieval',
    description: 'vector-upsert, vector-query (embedded PGlite + pgvector), then chat',
    needs: ['model'],
  },
  {
    name: 'research-agent',
    description: 'agent:1.0.0@default with MCP tools (server-everything over stdio), then a follow-up chat',
    needs: ['model', 'mcp'],
  },
];

/** server-everything (a devDependency): the MCP server the research agent's tools come from. */
export function everythingServer(root: string): string {
  return join(root, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
}

export const DEFAULT_EXAMPLE = 'order-processing';

export function findExample(name: string): DemoExample {
  const example = DEMO_EXAMPLES.find((e) => e.name === name);
  if (!example) {
    throw new Error(`unknown example '${name}': expected one of ${DEMO_EXAMPLES.map((e) => e.name).join(', ')}`);
  }
  return example;
}

/** The example's YAML and input (`examples/NAME.yaml`, `examples/NAME.input.json`), with local services filled in. */
export function loadExample(
  root: string,
  example: DemoExample,
  urls: Partial<Record<'inventory', string>>,
): { yaml: string; input: Record<string, unknown> } {
  const yaml = readFileSync(join(root, 'examples', `${example.name}.yaml`), 'utf8');
  const input = JSON.parse(readFileSync(join(root, 'examples', `${example.name}.input.json`), 'utf8')) as Record<
    string,
    unknown
  >;
  if (example.needs.includes('inventory')) input.inventoryUrl = urls.inventory;
  // The demo runs server-everything with this Node, as the runner's allow-list (CALL_MCP_STDIO_COMMANDS) says.
  if (example.needs.includes('mcp'))
    input.mcp = { command: process.execPath, arguments: [everythingServer(root), 'stdio'] };
  return { yaml, input };
}
