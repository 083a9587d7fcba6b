/**
 * Where evidence comes from. A source first *plans* a collection (checks the parameters, resolves
 * paths and log groups, refuses what is not allowed) without storing anything, then hands out one
 * lazily opened stream per artifact, so the provider stores them one at a time.
 */
import type { Readable } from 'node:stream';
import type { ActionWith } from '../../../common/actions';
import type { ConnectorProbe } from '../../live/connector';

export type SourceKind = ActionWith<'evidence.collect'>['source'];
export type CollectParams = ActionWith<'evidence.collect'>;

export interface CollectionWindow {
  start: Date;
  end: Date;
}

export interface CollectionRequest {
  params: CollectParams;
  /** The time range asked for; sources without one (files, records) ignore it. */
  window: CollectionWindow;
}

export interface PlannedArtifact {
  /** Name within the custody entry (already safe as a relative key). */
  name: string;
  mediaType: string;
  /** Opens the stream; called once, when the store is ready to take it. */
  open(): Promise<Readable>;
  /** Records counted while the stream was read (NDJSON sources); call after it ended. */
  records?(): number;
}

export interface EvidenceSource {
  readonly kind: SourceKind;
  /** Connector id checked by live readiness; undefined for sources with no outside system. */
  readonly connector?: string;
  /** Whether the custody entry records the window (the source queried over it). */
  readonly windowed: boolean;
  /** One line for `quell doctor`. */
  readonly description: string;
  /** Problems visible from the parameters alone, before the run starts. */
  problems(params: Partial<CollectParams>): string[];
  /** Checks the request and lists the artifacts; throws a classified failure, stores nothing. */
  plan(request: CollectionRequest): Promise<PlannedArtifact[]>;
  check(): Promise<ConnectorProbe[]>;
}
