// Redis memory per queued BullMQ job, the same shape as EngineBenchmark's "mem" workload:
// N (100,000) jobs added with addBulk in chunks of 1,000, no worker; INFO memory before/after.
// Copied into the BullMQ peer directory (it imports bullmq from there) by run-vs-bullmq.sh.
// It FLUSHes the database it is given. Env: REDIS_HOST, REDIS_PORT (6390), MEM_N (100000).
import { Queue } from 'bullmq';
import IORedis from 'ioredis';

const HOST = process.env.REDIS_HOST || '127.0.0.1';
const PORT = Number(process.env.REDIS_PORT || 6390);
const N = Number(process.env.MEM_N || 100000);
const admin = new IORedis({ host: HOST, port: PORT });
const used = async () => Number((await admin.info('memory')).match(/used_memory:(\d+)/)[1]);

await admin.flushdb();
const queue = new Queue('mem', { connection: { host: HOST, port: PORT, maxRetriesPerRequest: null } });
await queue.waitUntilReady();
const before = await used();
for (let i = 0; i < N; i += 1000) {
  const jobs = [];
  for (let j = i; j < Math.min(N, i + 1000); j++) jobs.push({ name: 't', data: { i: j } });
  await queue.addBulk(jobs);
}
const after = await used();
const keys = await admin.dbsize();
console.log(JSON.stringify({ system: 'bullmq', workload: 'mem', queued: N,
  used_memory_delta_bytes: after - before, bytes_per_queued_task: Math.round((after - before) / N), keys }));
await queue.close();
await admin.flushdb();
await admin.quit();
process.exit(0);
