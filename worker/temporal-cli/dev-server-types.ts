/**
 * What `startDevServer` takes and returns. Kept apart from start-dev-server.ts because both
 * ways of starting a server (our own spawn, and the SDK download in sdk-download.ts) build the
 * same handle from the same options.
 */
import type { DevServerLogger } from './logger';
import type { ResolvedTemporalCli } from './locate';

/** Options of `startDevServer` (start-dev-server.ts). */
export interface DevServerOptions {
  /** A binary from `resolveTemporalCli`; resolved with defaults when absent. */
  cli?: ResolvedTemporalCli;
  /** Bind address (default 127.0.0.1: the dev server has no auth, keep it off the network). */
  ip?: string;
  /** Frontend gRPC port; a free one is picked when absent. */
  port?: number;
  /** Enables the Web UI (on `ui.port`, or a free port); headless when absent. */
  ui?: { port?: number };
  /** Namespace created at start (default "default"). */
  namespace?: string;
  /** SQLite file for persistent state; in-memory when absent. Its directory is created. */
  dbFilename?: string;
  /** Server log level (default "warn": the server is chatty and its tail is kept for errors). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** `Name → Type` to register (default: Quell's SEARCH_ATTRIBUTE_FLAGS). */
  searchAttributes?: Readonly<Record<string, string>>;
  /** Readiness deadline of the first start; the warm-up retry gets twice as long (default 30 s). */
  readyTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL in stop() (default 10 s). */
  stopGraceMs?: number;
  /**
   * Run the server in its own process group, so a terminal Ctrl-C reaches only this process,
   * which then stops the worker before the server (default false).
   */
  detached?: boolean;
  /** Extra `start-dev` flags, e.g. `--dynamic-config-value`. */
  extraArgs?: readonly string[];
  logger?: DevServerLogger;
}

/** A running dev server. */
export interface DevServerHandle {
  /** `host:port` of the frontend. */
  address: string;
  /** Web UI URL, when the UI is enabled. */
  uiUrl?: string;
  namespace: string;
  /** Server process id (absent when the SDK runs the server). */
  pid?: number;
  cli: ResolvedTemporalCli;
  /** Time from the first spawn until the frontend answered, in ms. */
  startupMs: number;
  /**
   * Resolves (never rejects) with how the server process ended, e.g. "exited with code 1", so a
   * caller can notice a crash instead of retrying against a dead server. Absent when the SDK runs
   * the server.
   */
  exited?: Promise<string>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process exited. Idempotent. */
  stop(): Promise<void>;
}
