/**
 * The worker's guard against stray errors: the first unhandled rejection or uncaught exception
 * is logged and stops the worker in order, instead of crashing it with the raw error on stderr.
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { FatalProcessError, watchFatalErrors } from '../../worker/fatal-errors';

function capture(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const fakeProcess = () => new EventEmitter() as unknown as NodeJS.Process;

it('an unhandled rejection is logged and stops the worker', async () => {
  const { logger, lines } = capture();
  const target = fakeProcess();
  const watch = watchFatalErrors(logger, target);
  target.emit('unhandledRejection', new Error('socket hang up'), Promise.resolve());
  await expect(watch.fatal).rejects.toBeInstanceOf(FatalProcessError);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: 60, kind: 'unhandled promise rejection', err: { message: 'socket hang up' } });
  watch.stop();
});

it('an uncaught exception is logged and stops the worker', async () => {
  const { logger, lines } = capture();
  const target = fakeProcess();
  const watch = watchFatalErrors(logger, target);
  target.emit('uncaughtException', new TypeError('undefined is not a function'));
  await expect(watch.fatal).rejects.toThrow(/uncaught exception/);
  expect(lines[0]).toMatchObject({ kind: 'uncaught exception' });
  watch.stop();
});

it('stop() hands the process back to Node (no listener left)', () => {
  const target = fakeProcess();
  const watch = watchFatalErrors(capture().logger, target);
  expect((target as unknown as EventEmitter).listenerCount('unhandledRejection')).toBe(1);
  watch.stop();
  expect((target as unknown as EventEmitter).listenerCount('unhandledRejection')).toBe(0);
  expect((target as unknown as EventEmitter).listenerCount('uncaughtException')).toBe(0);
});
