import fc from 'fast-check';
import { loadJq } from 'jq-wasm';
import { equals } from './values';
// eslint-disable-next-line @typescript-eslint/no-require-imports
(globalThis as any).describe = () => undefined;
import { generators } from './differential.spec';
(async () => {
  const jq = await loadJq();
  const seen = new Set<string>();
  const samples = fc.sample(fc.tuple(generators.program, generators.json), { numRuns: Number(process.argv[2] ?? 2000), seed: Number(process.argv[3] ?? 1) });
  for (const [p, input] of samples) {
    const a = generators.ours(p, input); const b = generators.theirs(jq, p, input);
    let bad = false;
    if (a.ok && b.ok) bad = !(a.values.length === b.values.length && a.values.every((v, k) => equals(v, b.values[k])));
    else bad = a.ok !== b.ok || (!a.ok && !b.ok && a.message !== b.message);
    if (bad) { const key = p.slice(0, 30); if (seen.has(key)) continue; seen.add(key); console.log(JSON.stringify({ p, input }), '\n   ours:', JSON.stringify(a).slice(0, 200), '\n   jq:  ', JSON.stringify(b).slice(0, 200)); }
  }
})();
