/** `/quell help`, and the replies to unknown sub-commands and bad arguments. */
import { closestMatch } from '../../../common/suggest';
import { SUB_COMMANDS, USAGE, type QuellCommand } from '../../command-text';
import { loadCatalogue, runbookIds, type Catalogue } from '../../runbooks';
import { code, escape } from '../../text';
import type { CommandRequest } from './request';

const DESCRIPTIONS: Record<(typeof SUB_COMMANDS)[number], string> = {
  start: 'open a form for the runbook’s inputs, then start a run (tick tabletop for an exercise)',
  status: 'a run’s steps and who did what (no id: your open runs)',
  list: 'open runs',
  cancel: 'stop a run and undo what it did (asks for a reason)',
  drill: 'tabletop drills, for facilitators: start a scenario and steer it (`/quell drill help`)',
  help: 'this help',
};

export async function helpCommand(request: CommandRequest): Promise<void> {
  await request.reply(await helpText(request));
}

export async function unknownCommand(request: CommandRequest, command: Extract<QuellCommand, { kind: 'unknown' }>): Promise<void> {
  const catalogue = await catalogueOrEmpty(request);
  const ids = runbookIds(catalogue);
  // A runbook id typed where the sub-command goes most likely meant "start it".
  const runbook = ids.find((id) => id === command.word.toLowerCase()) ?? closestMatch(command.word.toLowerCase(), ids);
  const hint = command.suggestion
    ? ` Did you mean ${code(`/quell ${command.suggestion}`)}?`
    : runbook
      ? ` To start a runbook: ${code(`/quell start ${runbook}`)}.`
      : '';
  await request.reply(`:grey_question: ${code(command.word)} is not a Quell command.${hint}\n\n${await helpText(request, catalogue)}`);
}

export async function usageReply(request: CommandRequest, command: Extract<QuellCommand, { kind: 'usage' }>): Promise<void> {
  await request.reply(`:warning: ${escape(command.problem)}\nUsage: ${code(command.usage)}  (${code('/quell help')} lists everything)`);
}

async function helpText(request: CommandRequest, known?: Catalogue): Promise<string> {
  const catalogue = known ?? (await catalogueOrEmpty(request));
  const lines = SUB_COMMANDS.map((sub) => `• ${code(USAGE[sub])}: ${DESCRIPTIONS[sub]}`);
  const ids = runbookIds(catalogue);
  const runbooks = ids.length > 0 ? ids.map(code).join(', ') : '_none found_';
  const broken = catalogue.broken.length > 0 ? `\n:warning: Not offered because of errors (run ${code('quell lint')}): ${catalogue.broken.map(code).join(', ')}` : '';
  return `*Quell* runs incident-response runbooks.\n${lines.join('\n')}\nRunbooks: ${runbooks}${broken}\nApprovals, events and manual tasks are buttons in each run’s thread and in the app’s Home tab.`;
}

async function catalogueOrEmpty(request: CommandRequest): Promise<Catalogue> {
  try {
    return await loadCatalogue(request.ctx.runbooksDir);
  } catch (error) {
    request.ctx.logger.warn({ err: error, runbooksDir: request.ctx.runbooksDir }, 'runbooks could not be read');
    return { runbooks: [], broken: [] };
  }
}
