/**
 * What each connector family adds to a worker's live setup. Families are independent modules
 * (activities/aws, egress, evidence, identity, vendor, notify); ./build-live-setup.ts assembles them.
 */
import type { Logger } from 'pino';
import type { ActionName } from '../../common/actions';
import type { AwsClients } from '../aws/clients';
import type { ConnectorsConfig } from './config-file';
import type { Connector, LiveActionProvider } from './connector';
import type { ProviderHandler } from './router';

/** Answers "does this person still have access here?" for the offboarding access report. */
export interface AccessProbe {
  /** System name as `access_report.systems` spells it: aws-iam, scim, github, openbao. */
  system: string;
  connector: string;
  /** Never throws: an error becomes `unknown` with the reason. */
  lookup(principal: string): Promise<{ status: 'removed' | 'present' | 'unknown'; detail: string }>;
}

export interface LiveContribution {
  connectors: Connector[];
  /** Handlers for actions routed by `with.provider`. */
  routed?: Array<{ action: ActionName; handler: ProviderHandler }>;
  /** Whole-action providers (evidence.collect, vendor.request_deletion, notify, …). */
  providers?: Partial<Record<ActionName, LiveActionProvider>>;
  accessProbes?: AccessProbe[];
}

/** Built once per process and shared by the families. */
export interface SharedLive {
  logger: Logger;
  /** Present when the `aws` section is. */
  aws?: AwsClients;
  /** Worker data folder (state that must survive restarts, e.g. nothing secret). */
  dataDir: string;
}

export type LiveFamily = (config: ConnectorsConfig, shared: SharedLive) => LiveContribution;
