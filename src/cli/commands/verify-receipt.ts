// `consort verify-receipt <receipt.json> --service-cert <pem> [--at <ISO date>]`: offline receipt
// verification (src/receipt). Exit 0 and `valid (root <hex>)`; exit 1 with the reason; 2 on usage.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseReceiptJson } from '../../receipt/parse-receipt.js';
import { verifyReceipt } from '../../receipt/verify-receipt.js';
import type { Command } from '../command.js';
import { parseCommand } from '../parse-command.js';

const HELP = `usage: consort verify-receipt <receipt.json> --service-cert <service-cert.pem> [--at <date>]

Verifies a CCF / Azure Confidential Ledger receipt offline: leaf hash, Merkle path, the node's
signature over the root, nodeId, and the node certificate's endorsement by the service certificate.
Certificate validity dates are checked only with --at (an ISO 8601 date).

Exit status: 0 valid, 1 invalid, 2 usage or unreadable file.`;

function readText(path: string): string | Error {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function run(args: readonly string[]): number {
  const parsed = parseCommand('verify-receipt', HELP, () => parse(args));
  if (typeof parsed === 'number') return parsed;
  const [receiptPath] = parsed.positionals;
  const certPath = parsed.values['service-cert'];
  if (receiptPath === undefined || parsed.positionals.length > 1 || certPath === undefined) {
    console.error(`verify-receipt: need one receipt file and --service-cert\n\n${HELP}`);
    return 2;
  }
  const at = parsed.values.at === undefined ? undefined : new Date(parsed.values.at);
  if (at !== undefined && Number.isNaN(at.getTime())) {
    console.error(`verify-receipt: --at is not a date: ${parsed.values.at}`);
    return 2;
  }
  const receiptText = readText(receiptPath);
  const certText = readText(certPath);
  for (const [path, text] of [[receiptPath, receiptText], [certPath, certText]] as const) {
    if (text instanceof Error) {
      console.error(`verify-receipt: cannot read ${path}: ${text.message}`);
      return 2;
    }
  }
  return report(receiptText as string, certText as string, at);
}

function report(receiptText: string, certPem: string, at: Date | undefined): number {
  let receipt: unknown;
  try {
    receipt = parseReceiptJson(receiptText);
  } catch (error) {
    console.error(`invalid: MalformedReceipt: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const result = verifyReceipt(receipt, certPem, at === undefined ? {} : { checkValidityAt: at });
  if (result.ok) {
    console.log(`valid (root ${result.rootHex})`);
    return 0;
  }
  console.error(`invalid: ${result.reason.code}: ${result.reason.message}`);
  return 1;
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      'service-cert': { type: 'string' },
      at: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** verifyReceiptCommand is the `verify-receipt` subcommand. */
export const verifyReceiptCommand: Command = {
  name: 'verify-receipt',
  summary: 'verify a CCF/ACL receipt offline against a service certificate',
  run: async (args) => run(args),
};
