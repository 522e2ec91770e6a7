/**
 * The schema-caching proxy in front of a pooled provider server, against the real Terraform and
 * the real AWS provider: a second run gets the schema from the cache, a run gets it cut to its
 * types, a run the cut left a type out of goes again with the whole schema, `providers schema`
 * gets it whole, and calls the proxy does not know pass through with the server's own answer.
 *
 * @terraform: runs the real Terraform (left out of `npm run test:quick`).
 */
import http2 from 'node:http2';
import net from 'node:net';
import { copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ProviderPool, useProviderPool } from '../../../lib/terraform/provider-pool';
import { clearProviderProxyCache } from '../../../lib/terraform/provider-proxy';
import { ProviderServer, reattachSocket } from '../../../lib/terraform/provider-server';
import { writeOfflineWorkdir } from '../../../lib/terraform/offline-workdir';
import { planJson, providerPoolCounts, terraform, validate, type StackJson } from '../../../lib/terraform/runner';
import { offlineProvider, offlineQueueStack } from '../../helpers/provider-pool';
import { tempDirs } from '../../helpers/temp-dirs';

const tmp = tempDirs();

/** A pool of one server whose ProviderServer the test can see (its proxy storing answers in `schemaCacheDir`). */
function visiblePool(schemaCacheDir = tmp('fleetflags-proxy-schemas-')): { pool: ProviderPool; servers: ProviderServer[] } {
  const servers: ProviderServer[] = [];
  const pool = new ProviderPool({
    maxServers: 1,
    start: async (binary, env, files) => {
      const server = await ProviderServer.start(binary, env, { files, schemaCacheDir });
      servers.push(server);
      return server;
    },
  });
  return { pool, servers };
}

async function withPool<T>(pool: ProviderPool, work: () => Promise<T>): Promise<T> {
  const previous = useProviderPool(pool);
  try {
    return await work();
  } finally {
    await pool.stop();
    if (previous) useProviderPool(previous);
  }
}

/** One raw gRPC call (no message) to a unix socket: the status the other side answers with. */
function grpcStatus(socket: string, method: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const session = http2.connect('http://provider', { createConnection: () => net.connect(socket) });
    session.on('error', reject);
    const call = session.request({ ':method': 'POST', ':path': method, 'content-type': 'application/grpc', te: 'trailers' });
    let status: string | undefined;
    call.on('response', (h) => (status ??= h['grpc-status'] as string | undefined));
    call.on('trailers', (t) => (status = (t['grpc-status'] as string | undefined) ?? status));
    call.on('close', () => {
      session.close();
      resolve(status);
    });
    call.on('error', reject);
    call.resume();
    call.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}

/** A directory holding the offline queue stack, initialized. */
async function queueDir(prefix: string): Promise<string> {
  const dir = tmp(prefix);
  await writeOfflineWorkdir(dir, offlineQueueStack());
  return dir;
}

describe('the schema-caching proxy', () => {
  it('GIVEN a pooled server with its proxy WHEN two runs validate THEN the server built the schema once, and each run got it cut to its types', async () => {
    const dir = await queueDir('fleetflags-proxy-cache-');
    const { pool, servers } = visiblePool();
    const stats = await withPool(pool, async () => {
      // WHEN
      await expect(validate(dir)).resolves.toMatchObject({ valid: true });
      const first = { ...servers[0].proxy!.stats };
      await expect(validate(dir)).resolves.toMatchObject({ valid: true });
      return { first, second: { ...servers[0].proxy!.stats } };
    });
    // THEN Terraform attached to the proxy, not to the server's own socket
    expect(servers).toHaveLength(1);
    expect(reattachSocket(servers[0].reattach)).toMatch(/proxy\.sock$/);
    // the second run's schema (and metadata) came from the cache; both were cut
    expect(stats.second.cached).toBeGreaterThan(stats.first.cached);
    expect(stats.second.filtered).toBe(stats.first.filtered + 1);
    expect(stats.first.filtered).toBeGreaterThanOrEqual(1);
  }, 300_000);

  it('GIVEN the schema another process stored WHEN a new server serves its first run THEN the schema comes from the disk, not from the server', async () => {
    const dir = await queueDir('fleetflags-proxy-disk-');
    const schemas = tmp('fleetflags-proxy-schemas-');
    // GIVEN one server's proxy stored its answers (asked of its server: nothing held in this process)
    clearProviderProxyCache();
    const first = visiblePool(schemas);
    await withPool(first.pool, () => validate(dir));
    expect(readdirSync(schemas).filter((f) => f.endsWith('.body')).length).toBeGreaterThanOrEqual(1);
    // WHEN another server (this process forgetting what it holds, as a new process would) serves a run
    clearProviderProxyCache();
    const second = visiblePool(schemas);
    const stats = await withPool(second.pool, async () => {
      await expect(validate(dir)).resolves.toMatchObject({ valid: true });
      return { ...second.servers[0].proxy!.stats };
    });
    // THEN its schema, metadata and functions came from the disk: only the run's own calls reached the server
    expect(stats.cached).toBeGreaterThanOrEqual(1);
    expect(stats.filtered).toBe(1);
    expect(first.servers[0].proxy!.stats.cached).toBe(0);
  }, 300_000);

  it('GIVEN a plan file shown in a directory whose configuration lacks its type WHEN shown through the pool THEN the cut run fails, goes again with the whole schema and shows the plan', async () => {
    // GIVEN a plan of a queue, and a directory of a bucket alone
    const planned = await queueDir('fleetflags-proxy-queue-');
    const bucketDir = tmp('fleetflags-proxy-bucket-');
    const bucketStack: StackJson = {
      terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } },
      provider: { aws: [offlineProvider()] },
      resource: { aws_s3_bucket: { b: { bucket: 'fleetflags-proxy-test' } } },
    };
    await writeOfflineWorkdir(bucketDir, bucketStack);
    const { pool } = visiblePool();
    const { plan, shown, retried } = await withPool(pool, async () => {
      const plan = await planJson(planned);
      copyFileSync(path.join(planned, 'plan.tfplan'), path.join(bucketDir, 'queue.tfplan'));
      const before = providerPoolCounts().schemaRetried;
      // WHEN
      const out = await terraform(['show', '-json', '-no-color', 'queue.tfplan'], { cwd: bucketDir });
      return { plan, shown: JSON.parse(out.stdout) as StackJson, retried: providerPoolCounts().schemaRetried - before };
    });
    // THEN
    expect(retried).toBe(1);
    expect(shown.resource_changes).toEqual(plan.resource_changes);
    expect(shown.resource_changes.map((c: { address: string }) => c.address)).toEqual(['aws_sqs_queue.q']);
  }, 300_000);

  it('GIVEN a pooled run of `providers schema -json` THEN it prints the whole schema, not one cut to the configuration', async () => {
    const dir = await queueDir('fleetflags-proxy-providers-');
    const { pool, servers } = visiblePool();
    const schema = await withPool(pool, async () => {
      const out = await terraform(['providers', 'schema', '-json'], { cwd: dir });
      return JSON.parse(out.stdout) as { provider_schemas: Record<string, { resource_schemas: Record<string, unknown> }> };
    });
    expect(servers).toHaveLength(1);
    const resources = Object.keys(schema.provider_schemas['registry.terraform.io/hashicorp/aws'].resource_schemas);
    expect(resources).toEqual(expect.arrayContaining(['aws_sqs_queue', 'aws_instance', 'aws_s3_bucket']));
    expect(resources.length).toBeGreaterThan(1000);
  }, 300_000);

  it('GIVEN a call neither the proxy nor the provider knows WHEN sent through the proxy THEN the server\'s own status comes back (12, unimplemented), as it does from the server', async () => {
    const dir = await queueDir('fleetflags-proxy-unknown-');
    const { pool, servers } = visiblePool();
    const statuses = await withPool(pool, async () => {
      await validate(dir);
      const proxySocket = reattachSocket(servers[0].reattach);
      const serverSocket = servers[0].proxy!['upstreamSocket'] as string;
      return { proxy: await grpcStatus(proxySocket, '/tfplugin5.Provider/NoSuchCall'), server: await grpcStatus(serverSocket, '/tfplugin5.Provider/NoSuchCall') };
    });
    expect(statuses).toEqual({ proxy: '12', server: '12' });
  }, 300_000);
});
