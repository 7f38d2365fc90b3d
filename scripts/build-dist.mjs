#!/usr/bin/env node
// Builds dist/ from the sources: the CLI bundle (which also hosts the agent) in dist/, the
// GitHub Action's bundle in dist/action/ with its two entry points, main.js and post.js, and the
// GitHub App's in dist/app/ (`node dist/app/index.js`).
// With --check, builds into a temporary folder and fails when dist/ does not match it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
const bundle = (entry, dir) =>
  execFileSync('npx', ['ncc', 'build', entry, '-o', dir, '-q', '--no-source-map-register'], {
    stdio: 'inherit',
  });
bundle('src/cli/main.ts', out);
bundle('src/action/index.ts', join(out, 'action'));
bundle('src/app/index.ts', join(out, 'app'));
// The runner runs these files (action.yml: runs.main, runs.post).
for (const [file, fn] of [
  ['main.js', 'runMain'],
  ['post.js', 'runPost'],
]) {
  writeFileSync(join(out, 'action', file), `import { ${fn} } from './index.js';\n\nawait ${fn}();\n`);
}

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
