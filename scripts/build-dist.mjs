#!/usr/bin/env node
// Builds dist/ (one ncc bundle: the CLI, which also hosts the agent) from the sources.
// With --check, builds into a temporary folder and fails when dist/ does not match it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const check = process.argv.includes('--check');
const out = check ? mkdtempSync(join(tmpdir(), 'frankenetes-dist-')) : 'dist';

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

if (!check) rmSync(out, { recursive: true, force: true });
execFileSync('npx', ['ncc', 'build', 'src/cli/main.ts', '-o', out, '-q', '--no-source-map-register'], {
  stdio: 'inherit',
});

if (check) {
  const built = files(out)
    .map((f) => relative(out, f))
    .sort();
  const committed = files('dist')
    .map((f) => relative('dist', f))
    .sort();
  const differing = [...new Set([...built, ...committed])].filter((f) => {
    try {
      return !readFileSync(join(out, f)).equals(readFileSync(join('dist', f)));
    } catch {
      return true;
    }
  });
  rmSync(out, { recursive: true, force: true });
  if (differing.length) {
    console.error(
      `dist/ does not match the sources (${differing.slice(0, 5).join(', ')}); run \`npm run build\` and commit dist/`,
    );
    process.exit(1);
  }
  console.log('dist/ matches the sources');
}
