// Structured logs: one JSON object per line on stderr (or a given sink), one line per event that
// matters (elections, joins, errors). Levels as in pino.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const levels: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** createLogger writes JSON lines at or above `minLevel` to `sink` (stderr by default). */
export function createLogger(
  base: Record<string, unknown> = {},
  minLevel: LogLevel = 'info',
  sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  return {
    log(level, msg, fields = {}) {
      if (levels[level] < levels[minLevel]) return;
      sink(JSON.stringify({ level: levels[level], time: Date.now(), ...base, msg, ...fields }));
    },
    child(fields) {
      return createLogger({ ...base, ...fields }, minLevel, sink);
    },
  };
}
