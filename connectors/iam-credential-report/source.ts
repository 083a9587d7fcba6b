/**
 * The `iam-credential-report` source: asks IAM to generate the account's credential report
 * (GenerateCredentialReport, repeated until IAM says COMPLETE), downloads it (GetCredentialReport)
 * and keeps the CSV as one artifact: byte for byte, or with `principal` only the header and that
 * user's row (./report-rows). The report is a snapshot, not a time range: the step's window does
 * not apply, and IAM hands out a report up to four hours old instead of generating a new one.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, type IAMClient } from '@aws-sdk/client-iam';
import { awsErrorName, classifyAwsError } from '../aws/errors';
import type { ConnectorProbe } from '../connector';
import { invalidFailure, unavailableFailure, type FailureSite } from '../failures';
import type { CollectionRequest, EvidenceSource, PlannedArtifact } from '../evidence-roles';
import { IAM_CREDENTIAL_REPORT_CONNECTOR } from './connector-id';
import { rowsOfPrincipal, userRowCount } from './report-rows';
import { credentialReportProblems } from './step-params';

/** How long to wait between GenerateCredentialReport calls while IAM is still generating. */
export interface ReportPolling {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Past this the attempt fails as unavailable and Temporal's retry asks again. */
  giveUpAfterMs: number;
}

const POLLING: ReportPolling = { firstDelayMs: 1_000, maxDelayMs: 8_000, giveUpAfterMs: 120_000 };

/** GetCredentialReport's answers when the report it should return is not there (yet, or any more). */
const REPORT_GONE = new Set(['CredentialReportNotPresentException', 'CredentialReportExpiredException', 'CredentialReportNotReadyException']);

export const CREDENTIAL_REPORT_ARTIFACT = 'iam-credential-report/credential-report.csv';

export class IamCredentialReportSource implements EvidenceSource {
  readonly kind = 'iam-credential-report' as const;
  readonly connector = IAM_CREDENTIAL_REPORT_CONNECTOR;
  readonly windowed = false;
  readonly description = 'IAM credential report (GenerateCredentialReport, GetCredentialReport)';

  constructor(
    private readonly iam: IAMClient,
    private readonly polling: ReportPolling = POLLING,
  ) {}

  async plan({ params }: CollectionRequest): Promise<PlannedArtifact[]> {
    const [problem] = credentialReportProblems(params);
    if (problem) throw invalidFailure({ connector: this.connector, operation: 'read the credential report' }, problem);
    let rows = 0;
    return [
      {
        name: CREDENTIAL_REPORT_ARTIFACT,
        mediaType: 'text/csv',
        open: async () => {
          const report = Buffer.from(await this.report());
          if (params.principal === undefined) {
            rows = userRowCount(report.toString('utf8'));
            return Readable.from([report], { objectMode: false });
          }
          const narrowed = rowsOfPrincipal(report.toString('utf8'), params.principal);
          rows = narrowed.rows;
          return Readable.from([Buffer.from(narrowed.text, 'utf8')], { objectMode: false });
        },
        records: () => rows,
      },
    ];
  }

  /** The report's bytes, once IAM has one that is complete. */
  private async report(): Promise<Uint8Array> {
    const generating: FailureSite = { connector: this.connector, operation: 'generate the credential report' };
    const started = Date.now();
    let delay = this.polling.firstDelayMs;
    for (;;) {
      let state: string | undefined;
      try {
        state = (await this.iam.send(new GenerateCredentialReportCommand({}))).State;
      } catch (error) {
        throw classifyAwsError(generating, error);
      }
      if (state === 'COMPLETE') break;
      if (Date.now() - started + delay > this.polling.giveUpAfterMs) {
        throw unavailableFailure(generating, `IAM was still generating the report (${state ?? 'no state'}) after ${Math.round((Date.now() - started) / 1000)}s`);
      }
      await sleep(delay);
      delay = Math.min(delay * 2, this.polling.maxDelayMs);
    }
    const reading: FailureSite = { connector: this.connector, operation: 'get the credential report' };
    try {
      const answer = await this.iam.send(new GetCredentialReportCommand({}));
      if (!answer.Content) throw unavailableFailure(reading, 'IAM returned a credential report without content');
      return answer.Content;
    } catch (error) {
      // Generated but gone or not ready by the time it is fetched: a retry generates it again.
      const name = awsErrorName(error);
      if (name !== undefined && REPORT_GONE.has(name)) throw unavailableFailure(reading, `${name}: the report was not there after IAM said it was complete`, error);
      throw classifyAwsError(reading, error);
    }
  }

  /** Reads, never generates: a missing or old report still shows IAM answers these credentials. */
  async check(): Promise<ConnectorProbe[]> {
    try {
      await this.iam.send(new GetCredentialReportCommand({}));
      return [{ name: 'credential-report', ok: true, detail: 'GetCredentialReport answers' }];
    } catch (error) {
      const name = awsErrorName(error);
      if (name !== undefined && REPORT_GONE.has(name)) return [{ name: 'credential-report', ok: true, detail: `GetCredentialReport answers (${name}: generated when a step collects it)` }];
      return [{ name: 'credential-report', ok: false, detail: classifyAwsError({ connector: this.connector, operation: 'get the credential report' }, error).message }];
    }
  }
}
