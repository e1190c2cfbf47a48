// aedes in a process of its own for the benches: prints {"url"} once listening, exits
// when stdin closes.
import { startAedes } from '../../support/aedes';

startAedes().then((b: { url: string; close(): Promise<void> | void }) => {
  process.stdout.write(JSON.stringify({ url: b.url }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', async () => { await b.close(); process.exit(0); });
}, (e: Error) => { console.error(e); process.exit(1); });
