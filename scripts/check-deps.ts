// check-deps enforces STYLE.md's allowed-imports table between src/ folders and bans clocks,
// randomness, timers and I/O in the deterministic core (STYLE rules 1, 2 and 10).
// Test files (*.test.ts) are excluded, like CCF's excluded_path_parts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');

/** allowed[folder] lists the src/ folders it may import (itself always allowed). */
export const allowed: Record<string, readonly string[]> = {
  ds: [],
  crypto: ['ds'],
  codec: ['ds'],
  merkle: ['ds', 'crypto'],
  receipt: ['ds', 'crypto', 'codec', 'merkle'],
  kv: ['ds', 'crypto', 'codec'],
  ledger: ['ds', 'crypto', 'codec', 'merkle', 'kv', 'consensus'],
  consensus: ['ds', 'codec'],
  service: ['ds', 'crypto', 'codec', 'kv'],
  governance: ['ds', 'crypto', 'codec', 'kv', 'service'],
  node: ['ds', 'crypto', 'codec', 'merkle', 'receipt', 'kv', 'ledger', 'consensus', 'service', 'governance'],
  io: ['ds', 'crypto', 'codec'],
  http: ['ds', 'crypto', 'codec', 'kv', 'service', 'governance', 'node'],
  apps: ['ds', 'crypto', 'codec', 'kv', 'receipt', 'http'],
  cli: ['*'],
};

const pure = new Set(['consensus', 'kv', 'ledger', 'merkle', 'receipt', 'governance']);
const banned = [
  /\bDate\.now\(/,
  /\bperformance\.now\(/,
  /\bMath\.random\(/,
  /\bsetTimeout\(/,
  /\bsetInterval\(/,
  /\brandomBytes\(/,
  /from ['"]node:(fs|net|tls|http|https|http2|child_process)['"]/,
  /\bawait\b/,
];

function files(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (name.endsWith('.ts') && !/\.test(-helper)?\.ts$/.test(name)) out.push(path);
  }
  return out;
}

export function check(): string[] {
  const problems: string[] = [];
  for (const file of files(src, [])) {
    const rel = relative(src, file);
    const folder = rel.includes(sep) ? rel.split(sep)[0]! : '';
    const text = readFileSync(file, 'utf8');
    const mayImport = allowed[folder];
    if (folder !== '' && mayImport === undefined) problems.push(`${rel}: folder ${folder} not in the table`);
    for (const match of text.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = relative(src, join(file, '..', match[1]!));
      if (target.startsWith('..')) {
        problems.push(`${rel}: imports outside src/ (${match[1]})`);
        continue;
      }
      const targetFolder = target.includes(sep) ? target.split(sep)[0]! : '';
      if (folder === '' || targetFolder === folder || mayImport?.includes('*')) continue;
      if (target === 'constants.ts' || target === 'constants.js') continue;
      if (!mayImport?.includes(targetFolder)) problems.push(`${rel}: may not import ${targetFolder}/`);
    }
    if (pure.has(folder)) {
      for (const pattern of banned) {
        if (pattern.test(text)) problems.push(`${rel}: banned in the pure core: ${pattern.source}`);
      }
    }
  }
  return problems;
}

const problems = check();
for (const p of problems) console.error(`check-deps: ${p}`);
if (problems.length > 0) process.exit(1);
console.log('check-deps: allowed imports and pure-core rules hold');
