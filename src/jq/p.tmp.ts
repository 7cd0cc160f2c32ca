import { compile } from './index';
const items = Array.from({ length: 100 }, (_x, i) => ({ id: i, status: i % 3 === 0 ? 'active' : 'x', price: i % 50, owner: { region: i % 2 ? 'eu' : 'us' } }));
const input = { order: { id: 'o-1', total: 120, customer: { name: 'Ada', tier: 'gold' } }, items };
for (const p of ['.', '.order.total', '{id: .order.id, customer: .order.customer.name, total: .order.total}', '"Order \\(.order.id) for \\(.order.customer.name)"', '.items | map(select(.status == "active" and .price > 10))', '.items | sort_by(.price)', '.items | group_by(.owner.region)', 'reduce .items[] as $i (0; . + $i.price)', '[.items[] | .id]']) {
  const prog = compile(p);
  for (let w = 0; w < 2; w++) {
    const t = performance.now(); let n = 0;
    while (performance.now() - t < 300) { for (let k = 0; k < 20; k++) prog.evaluate(input); n += 20; }
    if (w) console.log(p.slice(0, 50).padEnd(52), Math.round(n / (performance.now() - t) * 1000));
  }
}
