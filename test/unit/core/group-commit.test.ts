import { describe, expect, it } from 'vitest';
import { GroupCommitLog } from '../../../extension/core/queue/group-commit';
import { FakeClock, settle } from '../../support/fake-clock';
import { FakeFiles, fsError } from '../../support/fake-files';

async function open(durable = true) {
  const files = new FakeFiles();
  await files.mkdirp('/q');
  const clock = new FakeClock();
  const { handle, size } = await files.openAppend('/q/log.jsonl');
  return { files, clock, log: new GroupCommitLog(handle, size, clock, { syncEvery: 50, syncIntervalMs: 1000, durable }) };
}

describe('group commit', () => {
  it('writes every line appended in one turn in one write, in order', async () => {
    const { files, log } = await open();
    await Promise.all(Array.from({ length: 300 }, (_, i) => log.append(`${i}\n`)));
    expect(files.appends).toBe(1);
    expect(files.text('/q/log.jsonl')).toBe(Array.from({ length: 300 }, (_, i) => `${i}\n`).join(''));
  });

  it('flushes to disk once 50 lines are unflushed, and otherwise within a second', async () => {
    const { files, clock, log } = await open();
    for (let i = 0; i < 49; i++) { await log.append('x\n'); }
    expect(files.datasyncs).toBe(0);
    await log.append('x\n');
    await settle();
    expect(files.datasyncs).toBe(1);
    await log.append('y\n');
    await clock.advance(999);
    expect(files.datasyncs).toBe(1);
    await clock.advance(1);
    expect(files.datasyncs).toBe(2);
  });

  it('never flushes when not durable (the benchmark\'s comparison)', async () => {
    const { files, clock, log } = await open(false);
    for (let i = 0; i < 200; i++) { await log.append('x\n'); }
    await clock.advance(5000);
    expect(files.datasyncs).toBe(0);
  });

  it('cuts a failed write back, so the next line starts clean', async () => {
    const { files, log } = await open();
    await log.append('a\n');
    files.fail('append', fsError('ENOSPC'), { tornBytes: 3 });
    await expect(log.append('broken line\n')).rejects.toThrow(/ENOSPC/);
    await log.append('b\n');
    expect(files.text('/q/log.jsonl')).toBe('a\nb\n');
  });

  it('close writes what is pending and flushes it', async () => {
    const { files, log } = await open();
    const pending = log.append('z\n');
    await log.close();
    await pending;
    expect(files.text('/q/log.jsonl')).toBe('z\n');
    expect(files.datasyncs).toBe(1);
    await expect(log.append('late\n')).rejects.toThrow(/closed/);
  });
});
