/** A Redis server of the test's own (its own port, nothing on disk), so a test can flush or stop it freely. */
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, sleep } from './processes.js';

export interface PrivateRedis {
  url: string;
  client: Redis;
  close(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  for (let i = 0; ; i++) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch {
      if (i > 100) throw new Error(`redis-server on port ${port} did not start`);
      client.disconnect();
      await sleep(50);
    }
  }
  return {
    url,
    client,
    close: async () => {
      client.disconnect();
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
    },
  };
}
