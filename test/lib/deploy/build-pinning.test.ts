/**
 * Finding 10 (issue 11): builds are pinned, not trusted. The flags pin each build's
 * SHA-256; the fleet's user data carries the pin; the artifacts bucket refuses to
 * overwrite or delete a published build; the deploy guard checks the pin; and
 * publish-build's line pastes into "builds".
 */
import { Testing } from 'cdktf';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { ArtifactsBucket } from '../../../lib/constructs/artifacts-bucket';
import { artifactsPublished } from '../../../lib/deploy/guards';
import { pinInstructions, pinLine, sha256OfFile } from '../../../lib/deploy/publish-line';
import { FlagsSchema } from '../../../lib/flags/schema';
import { FleetStack } from '../../../stacks/fleet-stack';
import { shippedFlags } from '../../helpers/flags-fixtures';
import { contextFor } from './helpers';
import { testApp, synthScope } from '../../helpers/cdktf-app';
import { tempDirs } from '../../helpers/temp-dirs';

const tempDir = tempDirs();

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('the artifacts bucket', () => {
  it('denies a write without If-None-Match (an overwrite) and any delete under builds/', () => {
    const stack = synthScope((scope) => new ArtifactsBucket(scope, 'Artifacts', { bucketName: 'fleetflags-production-artifacts' }));
    const policy = JSON.parse(stack).resource.aws_s3_bucket_policy;
    const doc = Object.values(policy as Record<string, { policy: string }>)[0].policy;
    expect(stack).toHaveResourceWithProperties(S3BucketPolicy, {});
    // The policy is a jsonencode() expression around the bucket's ARN token.
    expect(doc).toContain('DenyBuildOverwrite');
    expect(doc).toMatch(/"s3:if-none-match"\s*=\s*"true"|"s3:if-none-match":"true"/);
    expect(doc).toContain('DenyBuildDelete');
    expect(doc).toContain('s3:DeleteObjectVersion');
    expect(doc).toMatch(/\/builds\/\*/);
  });
});

describe('the fleet stack', () => {
  it('puts the pinned SHA-256 into the user data of AWS environments', () => {
    const flags = shippedFlags('production');
    const pin = flags.builds[flags.ingest.buildId].arm64!;
    const app = testApp();
    const json = JSON.parse(Testing.synth(new FleetStack(app, 'production-fleet', { flags })));
    const templates = Object.values(json.resource.aws_launch_template as Record<string, { user_data: string }>);
    const userData = templates.map((t) => (/^[A-Za-z0-9+/=]+$/.test(t.user_data) ? Buffer.from(t.user_data, 'base64').toString('utf8') : t.user_data));
    expect(userData.some((u) => u.includes(`not the pinned build ${flags.ingest.buildId}: expected SHA-256 ${pin}`))).toBe(true);
  });
});

describe('the ArtifactsPublished guard', () => {
  const store = (content: string, published: string) => ({
    size: async () => content.length,
    readText: async () => `${published}  agent\n`,
    sha256: async () => sha(content),
  });

  it('blocks a build whose bucket copy (and .sha256) differ from the pin', async () => {
    const flags = FlagsSchema.parse({ ...JSON.parse(require('node:fs').readFileSync('flags/dogfood.json', 'utf8')), builds: { '2026.11.20-1': { arm64: sha('original') } } });
    const guard = artifactsPublished({ createStore: () => store('replaced', sha('replaced')) });
    const r = await guard.run(contextFor('dogfood', { flags }));
    expect(r.outcome).toBe('block');
    expect(r.message).toMatch(/has SHA-256 [0-9a-f]{64}, but the flags pin [0-9a-f]{64} \(builds\["2026.11.20-1"\].arm64\); the build was replaced or the pin is wrong/);
  });

  it('passes the pinned build', async () => {
    const flags = FlagsSchema.parse({ ...JSON.parse(require('node:fs').readFileSync('flags/dogfood.json', 'utf8')), builds: { '2026.11.20-1': { arm64: sha('original') } } });
    const r = await artifactsPublished({ createStore: () => store('original', sha('original')) }).run(contextFor('dogfood', { flags }));
    expect(r.outcome).toBe('pass');
  });
});

describe('the line publish-build prints', () => {
  it('is a "builds" entry that the schema accepts, for the file\'s digest', async () => {
    const file = path.join(tempDir('build-'), 'agent');
    writeFileSync(file, 'agent bytes');
    const digest = await sha256OfFile(file);
    expect(digest).toBe(sha('agent bytes'));
    const line = pinLine('2026.11.27-1', 'arm64', digest);
    expect(line).toBe(`"2026.11.27-1": { "arm64": "${digest}" }`);
    expect(FlagsSchema.shape.builds.parse(JSON.parse(`{ ${line} }`))).toEqual({ '2026.11.27-1': { arm64: digest } });
    expect(pinInstructions('2026.11.27-1', 'arm64', digest)[1]).toBe(`  ${line}`);
  });

  it('refuses a digest that is not a SHA-256', () => {
    expect(() => pinLine('2026.11.27-1', 'arm64', 'nope')).toThrow();
  });
});
