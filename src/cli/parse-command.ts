// parseCommand: the shared front of a `consort` subcommand — parse its arguments, answer --help,
// and turn a parse error into usage on stderr with exit status 2.

/** parseCommand returns the parsed arguments, or the exit code when there is nothing left to do. */
export function parseCommand<T extends { readonly values: { readonly help?: boolean | undefined } }>(
  name: string,
  help: string,
  parse: () => T,
): T | number {
  let parsed: T;
  try {
    parsed = parse();
  } catch (error) {
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}\n\n${help}`);
    return 2;
  }
  if (parsed.values.help === true) {
    console.log(help);
    return 0;
  }
  return parsed;
}
