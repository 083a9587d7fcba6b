/**
 * Submission of the start form. Validation happens before the ack, because problems go back in
 * it (`response_action: errors`, each on its field); the run starts after the ack.
 *
 * The workflow id is deterministic (runbook, incident, mode): the incident comes from the form,
 * or, left empty, is derived from the view id, so a replayed submission (even to another app
 * instance, or after a restart) maps to the same run and Temporal refuses to start it twice.
 */
import { startRun } from '../../../client/runs';
import { isExercise } from '../../../common/exercise';
import { EXERCISE_MRKDWN } from '../../blocks/format';
import type { AppContext } from '../../context';
import { StartModalMetadata, ViewSubmissionBody, parseJson } from '../../payloads';
import { failureText, tell } from '../../reply';
import { loadCatalogue } from '../../runbooks';
import { START_BLOCK, readStartSubmission } from '../../start-modal';
import { code, escape, truncate } from '../../text';
import { submissionKey, type SubmissionArgs } from './submission';

/** The incident id of a run whose form left it empty. */
export function incidentIdForView(viewId: string): string {
  return `slack-${viewId}`;
}

export function startRunSubmission(ctx: AppContext) {
  return async ({ ack, body, client }: SubmissionArgs): Promise<void> => {
    const formProblem = (message: string) => ack({ response_action: 'errors', errors: { [START_BLOCK.incident]: message } });
    const parsed = ViewSubmissionBody.safeParse(body);
    const metadata = parsed.success ? parseJson(StartModalMetadata, parsed.data.view.private_metadata) : undefined;
    if (!parsed.success || !metadata) {
      ctx.logger.warn('start form submission not understood');
      return formProblem('Quell could not read this form. Close it and run /quell start again.');
    }
    const { view, user } = parsed.data;
    let catalogue;
    try {
      catalogue = await loadCatalogue(ctx.runbooksDir);
    } catch (error) {
      ctx.logger.error({ err: error }, 'runbooks could not be read');
      return formProblem('Quell could not read its runbooks just now; try again in a moment.');
    }
    const found = catalogue.runbooks.find((entry) => entry.runbook.id === metadata.r);
    if (!found) return formProblem(`The runbook ${metadata.r} is no longer available. Close this form; /quell help lists the runbooks.`);
    // The form was generated from one version of the runbook; its inputs may have changed since.
    if (found.sha256 !== metadata.h) return formProblem(`The runbook ${metadata.r} changed since this form was opened. Close it and run /quell start ${metadata.r} again.`);

    const submission = readStartSubmission(found.runbook, view.state.values);
    if (!submission.ok) return ack({ response_action: 'errors', errors: submission.errors });
    const mode = submission.tabletop ? 'tabletop' : 'live';
    const refusal = mode === 'live' ? ctx.liveRefusal?.(found.runbook, submission.inputs) : undefined;
    if (refusal) {
      return ack({ response_action: 'errors', errors: { [START_BLOCK.mode]: truncate(`A live run would be refused: ${refusal}. Tick tabletop to exercise it instead.`, 1000) } });
    }
    if (!ctx.recent.first(submissionKey(view.id, view.state.values))) {
      ctx.logger.debug({ view: view.id }, 'repeated submission ignored');
      return ack();
    }
    await ack();

    const incidentId = submission.incidentId ?? incidentIdForView(view.id);
    let text: string;
    try {
      const handle = await startRun(ctx.temporal, {
        runbook: found.runbook,
        runbookSha256: found.sha256,
        inputs: submission.inputs,
        mode,
        requestedBy: user.id,
        requestedVia: 'slack',
        incidentId,
        taskQueue: ctx.taskQueue,
        // Runbooks its `runbook:` steps start come from the same folder (only the reachable ones travel).
        childRunbooks: Object.fromEntries(catalogue.runbooks.map((entry) => [entry.runbook.id, { runbook: entry.runbook, sha256: entry.sha256 }])),
      });
      ctx.logger.info({ workflowId: handle.workflowId, user: user.id }, 'run started from Slack');
      const tabletop = isExercise(mode) ? ' (tabletop exercise)' : '';
      text =
        (isExercise(mode) ? `${EXERCISE_MRKDWN}\n` : '') +
        `:rocket: Started *${escape(found.runbook.title)}* for incident ${code(incidentId)}${tabletop}: ${code(handle.workflowId)}.\n` +
        `Progress and approvals are posted in <#${ctx.settings.channel}>; ${code(`/quell status ${handle.workflowId}`)} shows it here.`;
    } catch (error) {
      text = failureText(error, ctx.logger, 'start the run');
    }
    await tell(client, { user: user.id, ...(metadata.c ? { channel: metadata.c } : {}) }, text, ctx.logger);
  };
}
