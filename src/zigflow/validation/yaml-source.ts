/**
 * YAML text → plain JSON value, with every syntax problem located (line:column) and the source map
 * kept for later stages. Duplicate keys are errors (the spec's documents are JSON-compatible maps, and
 * a silently dropped duplicate task definition is a bug waiting to happen); aliases are expanded under
 * a count limit.
 */
import { Document, isAlias, isScalar, LineCounter, Node, parseAllDocuments, visit, YAMLError } from 'yaml';
import { MAX_ALIAS_COUNT } from './limits';
import { ValidationProblem } from './problems';
import { SourceMap } from './source-map';

export type YamlParseResult =
  { ok: true; value: unknown; sourceMap: SourceMap } | { ok: false; problems: ValidationProblem[] };

export function parseYamlSource(text: string): YamlParseResult {
  const lines = new LineCounter();
  // logLevel 'error': yaml would otherwise print process warnings (e.g. for collection keys) itself;
  // those cases are reported as problems below.
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    logLevel: 'error',
  });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length === 0) return { ok: false, problems: [emptyProblem()] };
  const problems = list.flatMap((d) => d.errors.map((e) => yamlProblem(e, lines, text)));
  if (list.length > 1) {
    const second = list[1].range[0];
    const pos = lines.linePos(second);
    problems.push({
      kind: 'yaml',
      pointer: '',
      line: pos.line,
      column: pos.col,
      message: 'a workflow file holds one YAML document, found more than one',
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  const doc = list[0];
  const sourceMap = new SourceMap(doc, lines, text);
  const structureProblem = checkStructure(doc, sourceMap);
  if (structureProblem) return { ok: false, problems: [structureProblem] };
  try {
    const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    if (value === null || value === undefined) return { ok: false, problems: [emptyProblem()] };
    return { ok: true, value, sourceMap };
  } catch (error) {
    // yaml throws on alias expansion beyond maxAliasCount (the billion-laughs attack) and on
    // unresolvable aliases; both are properties of the input, not crashes.
    const message = error instanceof Error ? error.message : String(error);
    const excessive = /alias count/i.test(message);
    return {
      ok: false,
      problems: [
        {
          kind: excessive ? 'limits' : 'yaml',
          pointer: '',
          message: excessive
            ? `YAML aliases expand beyond the limit of ${MAX_ALIAS_COUNT} (alias bomb?)`
            : `YAML could not be resolved: ${firstLine(message)}`,
        },
      ],
    };
  }
}

/**
 * What yaml reports late or not at all: an alias must point at an anchor defined before it (reported
 * at toJS, without a position), and a map key must be a scalar (a collection or alias key would be
 * silently turned into a string such as "{ a: 1 }").
 */
function checkStructure(doc: Document, sourceMap: SourceMap): ValidationProblem | undefined {
  let found: ValidationProblem | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (pair.key === null || isScalar(pair.key)) return;
      const node = pair.key as Node;
      const pos = node.range ? sourceMap.at(node.range[0]) : undefined;
      found = {
        kind: 'yaml',
        pointer: '',
        ...pos,
        message: `map keys must be plain strings, found ${isAlias(node) ? 'an alias' : 'a collection'} used as a key`,
      };
      return visit.BREAK;
    },
    Alias(_key, node) {
      if (!isAlias(node) || found) return;
      try {
        if (node.resolve(doc) === undefined) throw new Error('unresolved');
      } catch {
        const pos = node.range ? sourceMap.at(node.range[0]) : undefined;
        found = {
          kind: 'yaml',
          pointer: '',
          ...pos,
          message: `YAML alias *${node.source} refers to no anchor defined before it`,
        };
        return visit.BREAK;
      }
    },
  });
  return found;
}

function yamlProblem(error: YAMLError, lines: LineCounter, source: string): ValidationProblem {
  const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
  return { kind: 'yaml', pointer: '', line: pos.line, column: pos.col, message: describeYamlError(error, source) };
}

function describeYamlError(error: YAMLError, source: string): string {
  const text = firstLine(error.message).replace(/ at line \d+, column \d+:?$/, '');
  if (error.code === 'DUPLICATE_KEY') {
    const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]*)/.exec(source.slice(error.pos[0], error.pos[0] + 80))?.[1].trim();
    return `duplicate key '${key}': keys of a map must be unique (a repeated key would silently replace the first)`;
  }
  if (/call stack/i.test(text)) return 'YAML nesting is too deep to parse';
  return `YAML syntax error (${error.code}): ${text}`;
}

function emptyProblem(): ValidationProblem {
  return {
    kind: 'yaml',
    pointer: '',
    line: 1,
    column: 1,
    message: 'the document is empty: expected a workflow definition (a YAML mapping with `document` and `do`)',
  };
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0];
  return line.length > 300 ? line.slice(0, 300) + '…' : line;
}
