/**
 * The short summary a drill posts in its run's thread when it ends: objectives met, containment
 * against the target, notable misses, where the full report is. Always an exercise.
 */
import type { KnownBlock } from '@slack/web-api';
import { chunkLines, escapeText, exerciseBlocks, fallbackText, LIMITS } from './format';
import type { SlackMessage } from './root-message';

export function buildDrillSummary(headline: string, lines: readonly string[]): SlackMessage {
  const banner = exerciseBlocks('tabletop');
  const sections = chunkLines([`:checkered_flag: *${escapeText(headline)}*`, ...lines.map(escapeText)], LIMITS.sectionText)
    .slice(0, LIMITS.blocks - banner.length)
    .map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } }));
  return { text: fallbackText('tabletop', headline), blocks: [...banner, ...sections] };
}
