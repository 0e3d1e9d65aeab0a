// commands lists the `consort` subcommands. Each entry lives in its own module under commands/;
// add a command by importing it here and appending it to the list.
import type { Command } from './command.js';
import { auditCommand } from './commands/audit.js';
import { joinCommand } from './commands/join.js';
import { sandboxCommand } from './commands/sandbox.js';
import { startCommand } from './commands/start.js';
import { proveConsistencyCommand } from './commands/prove-consistency.js';
import { verifyReceiptCommand } from './commands/verify-receipt.js';

export const commands: readonly Command[] = [
  startCommand,
  joinCommand,
  sandboxCommand,
  verifyReceiptCommand,
  auditCommand,
  proveConsistencyCommand,
];
