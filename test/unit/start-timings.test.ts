import { describe, expect, it } from 'vitest';
import { PodStartTimings, parseStartTimings } from '../../src/agent/start-timings.js';

function recorder() {
  const lines: string[] = [];
  let clock = 1000;
  const timings = new PodStartTimings(
    (line) => lines.push(line),
    () => clock,
  );
  return { lines, timings, tick: (ms: number) => (clock += ms) };
}

describe('PodStartTimings', () => {
  it('writes one line per pod when it is first Ready, with the first time of each step', () => {
    const { lines, timings, tick } = recorder();
    timings.mark('u1', 'default/web', 'seen');
    tick(10);
    timings.mark('u1', 'default/web', 'seen'); // a later watch event: not a new start
    timings.mark('u1', 'default/web', 'create');
    tick(200);
    timings.mark('u1', 'default/web', 'running');
    tick(5);
    timings.mark('u1', 'default/web', 'running');
    timings.mark('u1', 'default/web', 'ready');
    timings.mark('u1', 'default/web', 'ready'); // already reported
    expect(lines).toEqual(['pod-start default/web uid=u1 seen=1000 create=1010 running=1210 ready=1215']);
  });

  it('times only pods it saw before they started', () => {
    const { lines, timings } = recorder();
    timings.mark('u2', 'default/old', 'running');
    timings.mark('u2', 'default/old', 'ready');
    expect(lines).toEqual([]);
  });

  it('forgets a pod deleted before it was Ready', () => {
    const { lines, timings } = recorder();
    timings.mark('u3', 'default/gone', 'seen');
    timings.forget('default/gone');
    timings.mark('u3', 'default/gone', 'ready');
    expect(lines).toEqual([]);
  });

  it('marks a missing step with "-"', () => {
    const { lines, timings } = recorder();
    timings.mark('u4', 'ns/p', 'seen');
    timings.mark('u4', 'ns/p', 'ready');
    expect(lines).toEqual(['pod-start ns/p uid=u4 seen=1000 create=- running=- ready=1000']);
  });
});

describe('parseStartTimings', () => {
  it('reads the lines back from an agent log, skipping everything else', () => {
    const log = [
      '2026-12-05T08:00:00.000Z agent: node bench-node registered',
      '\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0070' +
        '2026-12-05T08:00:01.000Z agent: pod-start default/a uid=abc seen=1 create=2 running=3 ready=4',
      '2026-12-05T08:00:01.000Z agent: pod-start default/b uid=def seen=5 create=- running=7 ready=8',
      '2026-12-05T08:00:01.000Z agent: started default/a: API 3 ms, engine 200 ms',
    ].join('\n');
    const parsed = parseStartTimings(log);
    expect([...parsed.keys()]).toEqual(['abc', 'def']);
    expect(parsed.get('abc')).toEqual({ seen: 1, create: 2, running: 3, ready: 4 });
    expect(parsed.get('def')).toEqual({ seen: 5, running: 7, ready: 8 });
  });
});
