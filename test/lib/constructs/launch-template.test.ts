import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { LaunchTemplate as LaunchTemplateResource } from '@cdktf/provider-aws/lib/launch-template';
import { agentLockConfig } from '../../../lib/contract/lock-table';
import { AGENT_CONFIG_FILE, LaunchTemplate, renderUserData, shellQuote, type UserDataOptions } from '../../../lib/constructs/launch-template';
import { synthScope } from '../../helpers/cdktf-app';

describe('renderUserData', () => {
  it('downloads the pinned build of the fleet\'s arch and its checksum from the artifacts bucket', () => {
    // WHEN
    const script = renderUserData(userDataOptions({ buildId: '2026.11.20-1', arch: 'arm64' }));
    // THEN
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain("BUCKET='fleetflags-sandbox-artifacts'");
    expect(script).toContain("ARTIFACT_KEY='builds/2026.11.20-1/ingest-agent-linux-arm64'");
    expect(script).toContain("CHECKSUM_KEY='builds/2026.11.20-1/ingest-agent-linux-arm64.sha256'");
    expect(script).toContain('set -euo pipefail');
    expect(script).toContain('systemctl enable --now ingest-agent.service');
  });

  it('writes the agent configuration from the lock-table contract plus environment, fleet and build', () => {
    // WHEN
    const script = renderUserData(userDataOptions({ buildId: 'b-7' }));
    // THEN the heredoc holds the JSON, unchanged
    const json = script.split("<<'FLEETFLAGS_EOF'\n")[1].split('\nFLEETFLAGS_EOF')[0];
    expect(JSON.parse(json)).toEqual({
      lock: agentLockConfig('fleetflags-sandbox-locks', 90),
      environment: 'sandbox',
      fleet: 'ingest',
      buildId: 'b-7',
      arch: 'arm64',
      region: 'us-east-1',
      accessLogs: { bucket: 'fleetflags-sandbox-access-logs', prefix: 'alb' },
      listenPort: 8080,
      healthCheckPath: '/healthz',
    });
  });

  it('quotes values for the shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  describe('when run (bash, with fake aws, shutdown and systemctl)', () => {
    const good = Buffer.from('#!/bin/sh\necho agent\n');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

    it('installs the agent, writes its config and starts the service when the checksum matches', () => {
      const run = runUserData(good, `${sha(good)}  ingest-agent-linux-arm64\n`);
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.calls).toContain('systemctl enable --now ingest-agent.service');
      expect(run.calls).not.toContain('shutdown');
      expect(JSON.parse(run.config!).buildId).toBe('2026.11.20-1');
    });

    it.each([
      ['the binary is empty (zero bytes)', Buffer.alloc(0), sha(Buffer.alloc(0)), /refusing to start ingest-agent: .* is empty/],
      ['the checksum does not match', good, sha(Buffer.from('another build')), /refusing to start ingest-agent: checksum mismatch/],
      ['the checksum file holds no SHA-256', good, 'not-a-checksum', /refusing to start ingest-agent: .* holds no SHA-256/],
    ])('refuses to start when %s: no service, and the instance powers off', (_what, binary, checksum, reason) => {
      const run = runUserData(binary, `${checksum}\n`);
      expect(run.exitCode).not.toBe(0);
      expect(run.calls).toContain('shutdown -h now');
      expect(run.calls).not.toContain('systemctl');
      expect(run.config).toBeUndefined();
      expect(run.stderr).toMatch(reason);
    });

    // Issue 11, finding 10: builds are pinned, not trusted.
    it('with a pin, starts the pinned build', () => {
      const run = runUserData(good, `${sha(good)}\n`, sha(good));
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.calls).toContain('systemctl enable --now ingest-agent.service');
    });

    it('with a pin, refuses a build replaced in the bucket together with its .sha256', () => {
      // GIVEN someone who can write the bucket replaced the binary and its checksum file consistently
      const swapped = Buffer.from('#!/bin/sh\necho evil\n');
      // WHEN an instance boots with the pin of the original build
      const run = runUserData(swapped, `${sha(swapped)}\n`, sha(good));
      // THEN it refuses and powers off
      expect(run.exitCode).not.toBe(0);
      expect(run.stderr).toMatch(new RegExp(`refusing to start ingest-agent: not the pinned build 2026.11.20-1: expected SHA-256 ${sha(good)}, got ${sha(swapped)}`));
      expect(run.calls).toContain('shutdown -h now');
      expect(run.calls).not.toContain('systemctl');
      // (without the pin, the swap would have been trusted)
      expect(runUserData(swapped, `${sha(swapped)}\n`).exitCode).toBe(0);
    });

    it('rejects a malformed pin when rendering', () => {
      expect(() => renderUserData({ ...userDataOptions(), pinnedSha256: 'abc' })).toThrow(/pinnedSha256 must be 64 lowercase hex digits; got "abc"/);
    });

    it('still powers off when the console cannot be written and shutdown fails: no service, the reason on stderr, exit 1', () => {
      // GIVEN a machine whose console is not writable and whose shutdown fails
      // WHEN it boots with an empty binary
      const run = runUserData(Buffer.alloc(0), `${sha(Buffer.alloc(0))}\n`, undefined, { console: '/nonexistent-dir/console', shutdownExit: 1 });
      // THEN the power-off was still attempted and the script fails with the reason
      expect(run.calls).toContain('shutdown -h now');
      expect(run.calls).not.toContain('systemctl');
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(/refusing to start ingest-agent: .* is empty/);
      // AND the console that could not be opened adds no noise
      expect(run.stderr).not.toMatch(/console|No such file/);
    });

    it('refuses to start when the build cannot be downloaded', () => {
      const run = runUserData(undefined, 'x');
      expect(run.exitCode).not.toBe(0);
      expect(run.stderr).toMatch(/refusing to start ingest-agent: cannot download/);
      expect(run.calls).toContain('shutdown -h now');
      expect(run.calls).not.toContain('systemctl');
    });
  });
});

describe('LaunchTemplate', () => {
  it('requires IMDSv2 and resolves the AMI of its arch from SSM', () => {
    // GIVEN / WHEN
    const synth = synthScope((scope) => {
      new LaunchTemplate(scope, 'Template', {
        name: 'fleetflags-sandbox-ingest',
        arch: 'amd64',
        instanceProfileArn: 'arn:aws:iam::000000000000:instance-profile/x',
        securityGroupIds: ['sg-1'],
        userData: userDataOptions({ arch: 'amd64' }),
      });
    });
    // THEN
    expect(synth).toHaveResourceWithProperties(LaunchTemplateResource, {
      name: 'fleetflags-sandbox-ingest',
      image_id: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      metadata_options: { http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' },
      iam_instance_profile: { arn: 'arn:aws:iam::000000000000:instance-profile/x' },
      vpc_security_group_ids: ['sg-1'],
      update_default_version: true,
    });
    const template = Object.values(JSON.parse(synth).resource.aws_launch_template)[0] as { user_data: string };
    expect(Buffer.from(template.user_data, 'base64').toString('utf8')).toBe(renderUserData(userDataOptions({ arch: 'amd64' })));
  });

  it('rejects user data of another arch', () => {
    expect(() =>
      synthScope((scope) => {
        new LaunchTemplate(scope, 'Template', {
          name: 'x',
          arch: 'arm64',
          instanceProfileArn: 'arn:aws:iam::000000000000:instance-profile/x',
          securityGroupIds: [],
          userData: userDataOptions({ arch: 'amd64' }),
        });
      }),
    ).toThrow(/userData.arch \(amd64\) must equal the launch template's arch \(arm64\)/);
  });
});

function userDataOptions(o: { buildId?: string; arch?: 'arm64' | 'amd64' } = {}): UserDataOptions {
  const buildId = o.buildId ?? '2026.11.20-1';
  const arch = o.arch ?? 'arm64';
  return {
    region: 'us-east-1',
    artifactsBucket: 'fleetflags-sandbox-artifacts',
    buildId,
    arch,
    agentConfig: {
      lock: agentLockConfig('fleetflags-sandbox-locks', 90),
      environment: 'sandbox',
      fleet: 'ingest',
      buildId,
      arch,
      region: 'us-east-1',
      accessLogs: { bucket: 'fleetflags-sandbox-access-logs', prefix: 'alb' },
      listenPort: 8080,
      healthCheckPath: '/healthz',
    },
  };
}

/**
 * Runs the user data with bash in a scratch root: /opt and /etc are redirected into
 * it, and `aws`, `shutdown` and `systemctl` are fakes that record their calls (`aws`
 * serves the objects from a local directory). `binary` undefined: the object is missing.
 */
function runUserData(binary: Buffer | undefined, checksum: string, pinnedSha256?: string, machine: { console?: string; shutdownExit?: number } = {}) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fleetflags-userdata-'));
  try {
    const bin = path.join(root, 'bin');
    const objects = path.join(root, 's3');
    const calls = path.join(root, 'calls.log');
    mkdirSync(bin);
    mkdirSync(path.join(objects, 'builds', '2026.11.20-1'), { recursive: true });
    if (binary) writeFileSync(path.join(objects, 'builds/2026.11.20-1/ingest-agent-linux-arm64'), binary);
    writeFileSync(path.join(objects, 'builds/2026.11.20-1/ingest-agent-linux-arm64.sha256'), checksum);
    const fake = (name: string, body: string) => {
      writeFileSync(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${JSON.stringify(calls)}\n${body}\n`);
      chmodSync(path.join(bin, name), 0o755);
    };
    // aws s3api get-object --bucket B --key K OUTFILE: $6 is the key, $7 the file
    fake('aws', `cp "${objects}/$6" "$7"`);
    fake('shutdown', `exit ${machine.shutdownExit ?? 0}`);
    fake('systemctl', 'exit 0');
    const script = renderUserData({ ...userDataOptions(), ...(pinnedSha256 ? { pinnedSha256 } : {}) })
      .replaceAll('/opt/', `${root}/opt/`)
      .replaceAll('/etc/', `${root}/etc/`)
      .replaceAll('/dev/console', machine.console ?? '/dev/null');
    mkdirSync(path.join(root, 'etc', 'systemd', 'system'), { recursive: true });
    writeFileSync(path.join(root, 'user-data.sh'), script);
    let exitCode = 0;
    let stderr = '';
    try {
      execFileSync('bash', [path.join(root, 'user-data.sh')], { env: { PATH: `${bin}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      exitCode = (e as { status: number }).status;
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    const configFile = `${root}${AGENT_CONFIG_FILE}`;
    const config = existsSync(configFile) ? readFileSync(configFile, 'utf8') : undefined;
    return { exitCode, stderr, calls: existsSync(calls) ? readFileSync(calls, 'utf8') : '', config };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
