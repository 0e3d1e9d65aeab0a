// `consort start`: create a new service (first run: service identity, node identity, member0 and
// user0, ledger secret) or restart an existing node from its workspace, then serve until stopped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { ConfigError, nodeOptionsHelp, parseNodeOptions } from '../runtime/node-options.js';
import { type GenesisFile, readJson, runNode, writeJson } from '../runtime/run.js';
import { openServiceWorkspace } from '../runtime/workspace.js';

const HELP = `usage: consort start [options]

Starts a node. On the first run in an empty workspace it creates a new service (genesis): service
key and certificate, this node's certificate endorsed by it, member0 and user0 identities and a
ledger secret, with CCF sandbox file names. Later runs reuse the workspace and its ledger.

${nodeOptionsHelp}`;

async function run(args: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseNodeOptions>;
  try {
    options = parseNodeOptions(args, { join: false });
  } catch (error) {
    console.error(`start: ${error instanceof ConfigError ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const workspace = await openServiceWorkspace(options.workspace, {
    memberCertPems: options.memberCerts.map((path) => readFileSync(path, 'utf8')),
    userCertPems: options.userCerts.map((path) => readFileSync(path, 'utf8')),
  });
  const genesisPath = join(workspace.dir, 'genesis.json');
  let genesis = readJson<GenesisFile>(genesisPath);
  if (genesis === null) {
    genesis = {
      nodes: [
        {
          id: workspace.node.id,
          certPem: workspace.node.certPem,
          nodeAddress: `${options.host}:${options.nodePort}`,
          rpcAddress: `${options.host}:${options.rpcPort}`,
        },
      ],
    };
    writeJson(genesisPath, genesis);
  }
  return runNode(workspace, options, { genesis: genesis.nodes, bootstrap: genesis.nodes });
}

export const startCommand: Command = {
  name: 'start',
  summary: 'start a new service, or restart a node from its workspace',
  run,
};
