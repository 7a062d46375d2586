// The GraphQL-over-HTTP audit of the graphql-http package, against a
// running kbql: prints one line per check and a JSON summary last, and
// exits 1 when any check warns or fails.
//
//   node scripts/audit/audit.mjs http://127.0.0.1:8080/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
const counts = { ok: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status] += 1;
  const reason = r.status === 'ok' ? '' : ` (${r.reason})`;
  console.log(`${r.status.padEnd(5)} ${r.id} ${r.name}${reason}`);
}
console.log(JSON.stringify(counts));
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
