import { readFileSync } from 'fs';
import { knownFailuresTable, parseTestFile } from './conformance';
import known from './conformance-known-failures.json';
const dir = '/work/shared/conformance/jq';
const cases = ['jq.test', 'man.test', 'onig.test', 'manonig.test', 'base64.test'].flatMap((f) => parseTestFile(f, readFileSync(`${dir}/${f}`, 'utf8')));
process.stdout.write(knownFailuresTable(known, cases) + '\n');
