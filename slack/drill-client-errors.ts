/**
 * The client's drill schedule and improvement plan errors are written for the CLI: they name flags
 * (`--every`, `--note`), request fields (`objectiveId`) and `quell …` commands. In Slack those
 * words are the command's own keywords and `/quell …` commands, so a person is told what to
 * change in what they typed. The error's kind (refused, not found, …) and cause are kept.
 */
import { QuellClientError } from '../client/errors';

const WORDINGS: ReadonlyArray<[RegExp, string]> = [
  [/--(every|cron|jitter|name|note)\b/g, '$1'],
  [/--objective\b|\bobjectiveId\b/g, 'objective'],
  [/\bdrillId\b/g, 'drill id'],
  [/--as\b/g, 'your Slack identity'],
  // A CLI command in the text (not already a slash command) becomes the Slack command.
  [/(^|[^/\w-])quell (drill|status)\b/g, '$1/quell $2'],
];

export function inSlackWords(message: string): string {
  return WORDINGS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}

/** Runs a client call; a QuellClientError it throws is thrown again in Slack's words. */
export async function slackWorded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof QuellClientError || (error instanceof Error && error.name === 'QuellClientError')) {
      throw new QuellClientError((error as QuellClientError).code, inSlackWords(error.message), { cause: error });
    }
    throw error;
  }
}
