// cpu-profile.ts: summarise V8 `.cpuprofile` files (written by `node --cpu-prof`): self time per
// function (samples × their time deltas), aggregated by name + script + line across files.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface SelfTimeRow {
  readonly fn: string;
  readonly location: string;
  readonly selfMs: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly files: readonly string[];
  readonly totalMs: number;
  readonly top: readonly SelfTimeRow[];
  /** byFile is self time per script (node internals, a package, a source file). */
  readonly byFile: readonly FileSelfTime[];
}

export interface FileSelfTime {
  readonly file: string;
  readonly selfMs: number;
  readonly percent: number;
}

/**
 * summariseProfiles reads the .cpuprofile files in `dir` (only process `pid`'s when given) and
 * returns the `topCount` functions with the most self time.
 */
export function summariseProfiles(
  dir: string,
  repoRoot: string,
  pid: number | null,
  topCount = 20,
): ProfileSummary {
  // --cpu-prof names files CPU.<date>.<time>.<pid>.<thread>.<seq>; the preload consort.<pid>.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile') && (pid === null || f.includes(`.${pid}.`)))
    .map((f) => join(dir, f));
  const selfUs = new Map<string, { fn: string; location: string; us: number }>();
  const fileUs = new Map<string, number>();
  let totalUs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const node = byId.get(samples[i] ?? -1);
      const us = Math.max(0, deltas[i] ?? 0);
      // Idle samples are not CPU time: percentages are of busy time.
      if (node === undefined || node.callFrame.functionName === '(idle)') continue;
      totalUs += us;
      const { functionName, url, lineNumber } = node.callFrame;
      const shortUrl = url.startsWith('file://') ? relative(repoRoot, new URL(url).pathname) : url;
      // tsx-compiled sources report line 0 (no source maps here): show the file alone.
      const line = lineNumber > 0 ? `:${lineNumber + 1}` : '';
      const location = shortUrl === '' ? '' : `${shortUrl}${line}`;
      const fn = functionName === '' ? '(anonymous)' : functionName;
      const key = `${fn}@${location}`;
      const file = shortUrl === '' ? '(native)' : shortUrl;
      fileUs.set(file, (fileUs.get(file) ?? 0) + us);
      const row = selfUs.get(key) ?? { fn, location, us: 0 };
      row.us += us;
      selfUs.set(key, row);
    }
  }
  const percentOf = (us: number): number => (totalUs === 0 ? 0 : (100 * us) / totalUs);
  const top = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topCount)
    .map((r) => ({
      fn: r.fn,
      location: r.location,
      selfMs: r.us / 1000,
      percent: percentOf(r.us),
    }));
  const byFile = [...fileUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topCount)
    .map(([file, us]) => ({ file, selfMs: us / 1000, percent: percentOf(us) }));
  return { files, totalMs: totalUs / 1000, top, byFile };
}
