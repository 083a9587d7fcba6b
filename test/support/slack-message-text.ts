/**
 * Reading Slack messages the way a person sees them: the text of every block, and the buttons
 * still offered. Shared by the tests that check what the publisher and the app put in Slack.
 */

export interface BlockButton {
  action_id: string;
  value?: string;
  [key: string]: unknown;
}

/** Every mrkdwn/plain text in a message's blocks, joined by newlines. */
export function textOf(message: { blocks?: unknown[] } | undefined): string {
  const texts: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if ((record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string') texts.push(record.text);
      else Object.values(record).forEach(visit);
    }
  };
  visit(message?.blocks ?? []);
  return texts.join('\n');
}

/** The buttons of a message or view: in actions blocks and as section accessories. */
export function buttonsOf(message: { blocks?: unknown[] } | undefined): BlockButton[] {
  return ((message?.blocks ?? []) as Array<Record<string, unknown>>)
    .flatMap((block) => (block.type === 'actions' ? (block.elements as unknown[]) : block.accessory ? [block.accessory] : []))
    .filter((element): element is BlockButton => (element as Record<string, unknown>).type === 'button');
}
