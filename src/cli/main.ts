// The `consort` command line: a table of subcommands, each in its own module under commands/.
import { commands } from './commands.js';

function usage(): string {
  const lines = ['usage: consort <command> [options]', '', 'commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(20)} ${c.summary}`);
  lines.push('', "Run 'consort <command> --help' for a command's options.");
  return lines.join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    console.error(`consort: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
