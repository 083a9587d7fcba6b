/**
 * What a `notify` step needs, from the connectors file alone: no client is built and nothing is
 * asked over the network, so the CLI's and Slack's pre-flight can call it before a live run, and
 * the worker's notify action answers the same.
 */
import { isConfigured } from '../../connectors/catalogue';
import type { ConnectorNeeds } from '../../connectors/connector';
import { slack } from '../../connectors/slack';
import { smtp } from '../../connectors/smtp';

/** A plausible single address; the mail server has the last word. */
export const EMAIL_ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** The parsed connectors file, secrets resolved or not: only which sections exist matters here. */
export interface NotifySections {
  readonly smtp?: unknown;
  readonly slack?: unknown;
}

/** Slack is the default channel (and the one reminders and escalations use); e-mail on request. */
export function notifyNeeds(file: NotifySections, params: Record<string, unknown>): ConnectorNeeds {
  if (params.channel !== 'email') {
    return isConfigured(slack, file)
      ? { connectors: [slack.id], problems: [] }
      : { connectors: [], problems: ['notify by slack (the default, also used for reminders and escalations) needs the `slack:` section in the connectors file'] };
  }
  const mailConfigured = isConfigured(smtp, file);
  const problems: string[] = [];
  if (!mailConfigured) problems.push('notify by email needs the `smtp:` section in the connectors file');
  if (Array.isArray(params.to)) {
    // `group:<name>` entries are resolved to addresses through the approvers file when the step runs.
    const notAddresses = params.to.filter((to) => typeof to === 'string' && !to.startsWith('group:') && !EMAIL_ADDRESS.test(to));
    problems.push(...notAddresses.map((to) => `notify by email: "${String(to)}" is not an email address`));
  }
  return { connectors: mailConfigured ? [smtp.id] : [], problems };
}
