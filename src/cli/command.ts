/** Command is one `consort` subcommand; `run` returns the process exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  run(args: readonly string[]): Promise<number>;
}
