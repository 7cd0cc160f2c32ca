import { readFileSync } from 'fs';
import { parseTestFile, runCase } from './conformance';
const dir = '/work/shared/conformance/jq';
let pass = 0, fail = 0;
const only = process.argv[2];
for (const f of ['jq.test', 'man.test', 'onig.test', 'manonig.test', 'base64.test']) {
  for (const c of parseTestFile(f, readFileSync(`${dir}/${f}`, 'utf8'))) {
    if (only && !c.id.includes(only)) continue;
    let r: string | null;
    try { r = runCase(c); } catch (e) { r = 'CRASH ' + String(e); }
    if (r === null) pass++; else { fail++; console.log(`${c.id}\t${c.program}\n    in: ${c.input}\n    exp: ${c.expected.join(' ')}\n    ${r.slice(0, 300)}`); }
  }
}
console.log(`jq conformance: ${pass} passed, ${fail} failed (${(100 * pass / (pass + fail)).toFixed(1)}%)`);
