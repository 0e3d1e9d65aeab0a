// run-tests finds every *.test.ts under src/ and test/ and runs them with node's test runner
// (through tsx). Node 20's `--test` takes no globs, so this script lists the files itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['src', 'test', 'scripts'];
const filter = process.argv.slice(2);

function collect(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
}

const files: string[] = [];
for (const r of roots) {
  try {
    collect(join(root, r), files);
  } catch {
    // A missing root folder has no tests.
  }
}
const selected = filter.length === 0 ? files : files.filter((f) => filter.some((p) => f.includes(p)));
if (selected.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...selected],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
