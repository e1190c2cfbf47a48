// aedes in a process of its own for the benches: prints {"url"} once listening, exits
// when stdin closes.
import { startAedes } from '../../support/aedes';

startAedes().then((broker: { url: string; close(): Promise<void> | void }) => {
  process.stdout.write(JSON.stringify({ url: broker.url }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', async () => { await broker.close(); process.exit(0); });
}, (err: Error) => { console.error(err); process.exit(1); });
