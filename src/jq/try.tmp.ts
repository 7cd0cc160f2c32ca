import { compile } from './index';
const [prog, input] = process.argv.slice(2);
try { console.log(JSON.stringify(compile(prog).evaluate(JSON.parse(input ?? 'null')))); } catch (e) { console.log('ERR', (e as Error).message, (e as any).code); }
