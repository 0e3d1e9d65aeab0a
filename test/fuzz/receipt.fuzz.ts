// Receipt fuzzer: a seeded mutator over the ACL receipt vector, as JSON text and as structure.
// Every case must end in a typed error (ReceiptFormatError) or a verification result; anything
// thrown otherwise is a crash. Oracle: an accepted mutant must still yield the vector's root (a
// mutation cannot make a different root verify). `npm run fuzz:receipt -- --cases=N --seed=S`.
import { readFileSync } from 'node:fs';
import { SeededRng } from '../../src/ds/rng.js';
import { ReceiptFormatError } from '../../src/receipt/errors.js';
import { parseReceiptJson } from '../../src/receipt/parse-receipt.js';
import { ReceiptVerifier } from '../../src/receipt/verify-receipt.js';

const vectors = new URL('../vectors/acl-receipts/', import.meta.url);
const receiptText = readFileSync(new URL('receipt-1.json', vectors), 'utf8');
const serviceCertPem = readFileSync(new URL('service-cert-1.pem', vectors), 'utf8');
const expectedRootHex = '283afa446263bcc3be31a980957fe3d0196494bf100df6774249f09d10755101';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** FuzzStats counts how cases ended; `crashes` holds the first few crash descriptions. */
export interface FuzzStats {
  cases: number;
  accepted: number;
  formatErrors: number;
  rejectedByCode: Record<string, number>;
  crashes: string[];
}

const TOKENS = ['{', '}', '[', ']', '"', ',', ':', 'null', 'true', '1e999', '-0', '\\u0000', ' ', '"left"', '"0a"'];
const HEX = '0123456789abcdefABCDEFxg';

function randomString(rng: SeededRng): string {
  const forms = [
    () => '',
    () => 'ce:2.35:' + 'a'.repeat(rng.int(0, 70)),
    () => Array.from({ length: 64 }, () => HEX[rng.int(0, HEX.length - 1)]).join(''),
    () => '-----BEGIN CERTIFICATE-----\n' + 'QUFB'.repeat(rng.int(0, 50)) + '\n-----END CERTIFICATE-----\n',
    // Over-long strings hit the length limits; the huge one (beyond the text limit) stays rare.
    () => 'x'.repeat(rng.chance(0.05) ? 300_000 : rng.int(0, 20_000)),
    () => String.fromCharCode(...Array.from({ length: rng.int(1, 20) }, () => rng.int(0, 0xffff))),
  ];
  return forms[rng.int(0, forms.length - 1)]!();
}

function randomValue(rng: SeededRng, depth = 0): Json {
  switch (rng.int(0, 7)) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return [0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, 0.5][rng.int(0, 4)]!;
    case 3: return randomString(rng);
    case 4: {
      // Long arrays (beyond proofStepsMax) only of small elements, so a case stays small.
      if (depth === 0 && rng.chance(0.3)) return Array.from({ length: rng.int(60, 70) }, () => ({ left: 'ab'.repeat(32) }));
      return depth > 3 ? [] : Array.from({ length: rng.int(0, 3) }, () => randomValue(rng, depth + 1));
    }
    case 5: return depth > 3 ? {} : { left: randomValue(rng, depth + 1) };
    case 6: return depth > 3 ? {} : { right: randomString(rng), left: randomString(rng) };
    default: {
      let deep: Json = 'x';
      for (let i = rng.int(1, 200); i > 0; i--) deep = [deep];
      return deep;
    }
  }
}

function mutateString(rng: SeededRng, text: string): string {
  if (text.length === 0) return randomString(rng);
  const i = rng.int(0, text.length - 1);
  switch (rng.int(0, 3)) {
    case 0: return text.slice(0, i) + HEX[rng.int(0, HEX.length - 1)] + text.slice(i + 1);
    case 1: return text.slice(0, i) + text.slice(i + rng.int(1, 8));
    case 2: return text.slice(0, i) + text.slice(i, i + rng.int(1, 8)).repeat(2) + text.slice(i);
    default: return text.toUpperCase();
  }
}

/** mutateTree changes one randomly chosen node of the JSON structure in place (or returns a new root). */
function mutateTree(rng: SeededRng, root: Json): Json {
  if (root === null || typeof root !== 'object' || rng.chance(0.05)) return randomValue(rng);
  let holder: Json[] | { [key: string]: Json } = root;
  for (let depth = 0; depth < 6; depth++) {
    const keys: Array<string | number> = Array.isArray(holder) ? holder.map((_, i) => i) : Object.keys(holder);
    if (keys.length === 0) break;
    const key = keys[rng.int(0, keys.length - 1)]!;
    const child: Json | undefined = (holder as Record<string | number, Json>)[key];
    if (child !== null && typeof child === 'object' && rng.chance(0.6)) {
      holder = child;
      continue;
    }
    applyAt(rng, holder, key, child);
    return root;
  }
  if (Array.isArray(holder)) holder.push(randomValue(rng));
  else holder[randomString(rng).slice(0, 12)] = randomValue(rng);
  return root;
}

function applyAt(rng: SeededRng, holder: Json[] | { [key: string]: Json }, key: string | number, child: Json | undefined): void {
  const target = holder as Record<string | number, Json>;
  const op = rng.int(0, 5);
  if (op === 0) {
    if (Array.isArray(holder)) holder.splice(key as number, 1);
    else delete target[key];
  } else if (op === 1 || typeof child !== 'string') {
    target[key] = randomValue(rng);
  } else if (op === 2 && Array.isArray(holder)) {
    const j = rng.int(0, holder.length - 1);
    [holder[key as number], holder[j]] = [holder[j]!, holder[key as number]!];
  } else if (op === 3 && !Array.isArray(holder)) {
    target[key === 'left' ? 'right' : key === 'right' ? 'left' : `${key}_`] = child;
    delete target[key];
  } else {
    target[key] = mutateString(rng, child);
  }
}

function mutateText(rng: SeededRng, text: string): string {
  const i = rng.int(0, text.length);
  switch (rng.int(0, 4)) {
    case 0: return text.slice(0, i) + String.fromCharCode(rng.int(32, 126)) + text.slice(i + 1);
    case 1: return text.slice(0, i) + text.slice(i + rng.int(1, 40));
    case 2: return text.slice(0, i) + text.slice(i, i + rng.int(1, 40)).repeat(2) + text.slice(i);
    case 3: return text.slice(0, i) + TOKENS[rng.int(0, TOKENS.length - 1)] + text.slice(i);
    default: return text.slice(0, i);
  }
}

function record(stats: FuzzStats, result: ReturnType<ReceiptVerifier['verify']>, label: string): void {
  if (result.ok) {
    stats.accepted += 1;
    if (result.rootHex !== expectedRootHex) stats.crashes.push(`${label}: accepted with root ${result.rootHex}`);
  } else {
    stats.rejectedByCode[result.reason.code] = (stats.rejectedByCode[result.reason.code] ?? 0) + 1;
  }
}

function runCase(stats: FuzzStats, verifier: ReceiptVerifier, rng: SeededRng, label: string): void {
  const base = JSON.parse(receiptText) as Json;
  const wrapped: Json = rng.chance(0.2) ? { receipt: base, state: 'Ready', transactionId: '2.35' } : base;
  let value: Json = wrapped;
  const mutations = rng.int(1, 3);
  for (let m = 0; m < mutations; m++) value = mutateTree(rng, value);
  if (rng.chance(0.4)) {
    let text = JSON.stringify(value, null, rng.chance(0.5) ? 2 : undefined) ?? 'null';
    for (let m = rng.int(1, 3); m > 0; m--) text = mutateText(rng, text);
    try {
      record(stats, verifier.verifyParsed(parseReceiptJson(text)), label);
    } catch (error) {
      if (error instanceof ReceiptFormatError) stats.formatErrors += 1;
      else throw error;
    }
    return;
  }
  record(stats, verifier.verify(value), label);
}

/** runReceiptFuzz runs `cases` seeded cases; deterministic for a given seed. */
export function runReceiptFuzz(options: { seed: number; cases: number }): FuzzStats {
  const verifier = new ReceiptVerifier(serviceCertPem);
  const stats: FuzzStats = { cases: 0, accepted: 0, formatErrors: 0, rejectedByCode: {}, crashes: [] };
  const rng = new SeededRng(options.seed);
  for (let i = 0; i < options.cases; i++) {
    const caseSeed = rng.int(0, 2 ** 31);
    const label = `seed ${options.seed} case ${i} (case seed ${caseSeed})`;
    try {
      runCase(stats, verifier, new SeededRng(caseSeed), label);
    } catch (error) {
      if (stats.crashes.length < 10) stats.crashes.push(`${label}: ${error instanceof Error ? error.stack : String(error)}`);
    }
    stats.cases += 1;
  }
  return stats;
}

function arg(name: string, fallback: number): number {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seed = arg('seed', 1);
  const cases = arg('cases', 100_000);
  const stats = runReceiptFuzz({ seed, cases });
  console.log(JSON.stringify(stats, null, 2));
  if (stats.crashes.length > 0) {
    console.error(`receipt fuzz: ${stats.crashes.length} crash(es); replay with --seed=${seed}`);
    process.exitCode = 1;
  }
}
