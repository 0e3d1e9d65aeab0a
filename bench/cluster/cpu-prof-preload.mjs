// cpu-prof-preload.mjs: node 20 refuses --cpu-prof in NODE_OPTIONS, so the benchmark profiles the
// sandbox's node processes with this module instead (NODE_OPTIONS=--import <this file>). When
// CONSORT_BENCH_CPU_PROF_DIR is set and the process is a `consort start` node, SIGUSR2 starts the
// V8 sampling profiler (node:inspector; 1 ms interval), so the profile covers the load the bench
// applies and not the start-up; on exit the profile is written to <dir>/consort.<pid>.cpuprofile.
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
  let started = false;
  process.on('SIGUSR2', () => {
    if (started) return;
    started = true;
    session.post('Profiler.start');
  });
  process.on('exit', () => {
    if (!started) return;
    session.post('Profiler.stop', (error, result) => {
      if (error === null && result !== undefined) {
        const file = join(dir, `consort.${process.pid}.cpuprofile`);
        writeFileSync(file, JSON.stringify(result.profile));
      }
    });
  });
}
