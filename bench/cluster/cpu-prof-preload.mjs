// cpu-prof-preload.mjs: node 20 refuses --cpu-prof in NODE_OPTIONS, so the benchmark profiles the
// sandbox's node processes with this module instead (NODE_OPTIONS=--import <this file>): when
// CONSORT_BENCH_CPU_PROF_DIR is set and the process is a `consort start` node, it starts the V8
// sampling profiler through node:inspector and, on exit, writes consort.<pid>.cpuprofile there.
// (An in-thread inspector session answers synchronously, so the exit handler can stop it.)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.CONSORT_BENCH_CPU_PROF_DIR;
if (dir !== undefined && dir !== '' && process.argv.includes('start')) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error === null && result !== undefined) {
        writeFileSync(join(dir, `consort.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      }
    });
  });
}
