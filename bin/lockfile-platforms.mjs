#!/usr/bin/env node
// Adds the optional, platform-specific packages (e.g. @swc/core-darwin-arm64) that
// npm could not record in package-lock.json. The registry mirror of our build
// machines serves only the Linux builds of such packages, so `npm install` there
// leaves the others out of the lock file, and `npm ci` then refuses the lock file as
// "out of sync". Each added entry names its version, os and cpu; `npm ci` skips
// entries for other platforms without fetching them. Run after `npm install`:
//   node bin/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = { arm64: 'arm64', x64: 'x64', ia32: 'ia32', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = OS.find((o) => parts.includes(o === 'win32' ? 'win32' : o));
  const cpuPart = parts.find((p) => CPU[p] || p.startsWith('arm'));
  const cpu = cpuPart ? CPU[cpuPart] ?? (cpuPart.startsWith('arm') ? 'arm' : undefined) : undefined;
  const libc = parts.includes('musl') || parts.includes('musleabihf') ? 'musl' : parts.includes('gnu') || parts.includes('gnueabihf') ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [location, pkg] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    const base = location === '' ? '' : `${location}/`;
    const nested = `${base}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (packages[nested] || packages[hoisted]) continue;
    if (!/^\d+\.\d+\.\d+/.test(spec)) continue; // only exact pins, as platform packages use
    const { os, cpu, libc } = platformOf(dep);
    if (!os) continue;
    packages[hoisted] = {
      version: spec,
      cpu: cpu ? [cpu] : undefined,
      license: pkg.license,
      optional: true,
      os: [os],
      ...(libc ? { libc: [libc] } : {}),
      engines: pkg.engines,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform package entr${added === 1 ? 'y' : 'ies'} to package-lock.json`);
