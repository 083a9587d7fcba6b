/**
 * A promise that rejects on the process's first unhandled rejection or uncaught exception (a
 * library's stray socket error, a Socket Mode reconnect gone wrong), after logging it through the
 * process logger. The worker stops in order on it — Slack first, in-flight tasks drained, the
 * embedded server last — instead of Node's default crash, which would print the raw error, and
 * any secret quoted in it, to stderr.
 */
import type { Logger } from 'pino';

export class FatalProcessError extends Error {
  override readonly name = 'FatalProcessError';
}

export interface FatalErrorWatch {
  /** Rejects with a {@link FatalProcessError} at the first fatal error; never resolves. */
  fatal: Promise<never>;
  /** Removes the handlers (after shutdown Node's defaults apply again). */
  stop(): void;
}

export function watchFatalErrors(logger: Logger, target: NodeJS.Process = process): FatalErrorWatch {
  let reject: (error: FatalProcessError) => void = () => undefined;
  const fatal = new Promise<never>((_resolve, rejectWith) => {
    reject = rejectWith;
  });
  // The caller races this promise; a rejection nobody awaits yet must not itself be "unhandled".
  fatal.catch(() => undefined);
  const onError = (kind: string) => (error: unknown) => {
    // pino scrubs the message and fields (worker/logger.ts): no secret reaches the log.
    logger.fatal({ err: error, kind }, `${kind}: stopping the worker`);
    reject(new FatalProcessError(`${kind}; the worker stopped (see the log)`));
  };
  const onRejection = onError('unhandled promise rejection');
  const onException = onError('uncaught exception');
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return {
    fatal,
    stop() {
      target.off('unhandledRejection', onRejection);
      target.off('uncaughtException', onException);
    },
  };
}
