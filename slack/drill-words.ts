/**
 * The small grammar the longer `/quell drill` commands share (schedule, plan): words split on
 * spacing, with text in double quotes kept together (straight or curly: Slack clients may turn
 * `"` into `“ ”`), and `keyword value` pairs read against a table of keywords. Pure. Problems
 * come back as sentences naming the keyword that was wrong, for the usage reply.
 */
import { referenceProblem } from '../client/request-rules';
import { closestMatch } from '../common/suggest';

/** A bad command: what was wrong and the usage of the command that was meant. */
export interface UsageReply {
  kind: 'usage';
  problem: string;
  usage: string;
}

export interface Word {
  /** The word, or what was between the quotes. */
  text: string;
  /** Where it starts and ends in the text it came from (quotes included). */
  start: number;
  end: number;
  quoted: boolean;
  /** An opening quote with no closing one: `text` runs to the end. */
  unclosed: boolean;
}

const QUOTE = /["“”]/;
const SPACE = /\s/;

export function splitWords(text: string): Word[] {
  const words: Word[] = [];
  let at = 0;
  while (at < text.length) {
    if (SPACE.test(text[at])) {
      at += 1;
      continue;
    }
    if (QUOTE.test(text[at])) {
      const inside = text.slice(at + 1);
      const close = inside.search(QUOTE);
      if (close < 0) {
        words.push({ text: inside, start: at, end: text.length, quoted: true, unclosed: true });
        break;
      }
      words.push({ text: inside.slice(0, close), start: at, end: at + close + 2, quoted: true, unclosed: false });
      at += close + 2;
      continue;
    }
    let end = at;
    while (end < text.length && !SPACE.test(text[end])) end += 1;
    words.push({ text: text.slice(at, end), start: at, end, quoted: false, unclosed: false });
    at = end;
  }
  return words;
}

/**
 * How a keyword takes its value: `word` one word (several only in quotes), `phrase` a quoted text
 * or the words up to the next keyword (a cron expression), `rest` everything after the keyword,
 * spacing kept (a note; it must come last).
 */
export interface KeywordRule {
  shape: 'word' | 'phrase' | 'rest';
  /** What the value looks like, for "every needs a value: <duration>, e.g. every 1w". */
  hint: string;
}

export type KeywordValues = Partial<Record<string, string>>;

export function readKeywords(text: string, words: readonly Word[], rules: Readonly<Record<string, KeywordRule>>): { values: KeywordValues } | { problem: string } {
  const keywords = Object.keys(rules);
  const keywordOf = (word: Word | undefined): string | undefined => {
    const key = word && !word.quoted ? word.text.toLowerCase() : undefined;
    return key !== undefined && Object.hasOwn(rules, key) ? key : undefined;
  };
  const values: KeywordValues = {};
  let index = 0;
  while (index < words.length) {
    const word = words[index];
    const key = keywordOf(word);
    if (key === undefined) {
      const suggestion = word.quoted ? undefined : closestMatch(word.text.toLowerCase(), keywords);
      return { problem: `"${clip(word.text)}" is not one of ${keywords.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}` };
    }
    if (Object.hasOwn(values, key)) return { problem: `${key} is given twice` };
    const rule = rules[key];
    if (rule.shape === 'rest') {
      const rest = text.slice(word.end).trim();
      if (!rest) return { problem: `${key} needs a value: ${rule.hint}` };
      values[key] = rest;
      break;
    }
    const next = words[index + 1];
    if (!next || keywordOf(next) !== undefined) return { problem: `${key} needs a value: ${rule.hint}` };
    if (next.unclosed) return { problem: `${key}: the quote before "${clip(next.text)}" is not closed` };
    let last = index + 1;
    if (!next.quoted) {
      while (last + 1 < words.length && keywordOf(words[last + 1]) === undefined) last += 1;
      if (last > index + 1 && rule.shape === 'word') return { problem: `${key} takes one word; put a value with spaces in quotes: ${rule.hint}` };
    }
    values[key] = words
      .slice(index + 1, last + 1)
      .map((part) => part.text)
      .join(' ');
    index = last + 1;
  }
  return { values };
}

/** Drill ids: `quell-drill:<scenario>:<exercise>`, or what a schedule named; no spaces, quotes or slashes. */
const DRILL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,399}$/;
export const DRILL_ID_EXAMPLE = 'quell-drill:<scenario>:<exercise>, e.g. quell-drill:credential-compromise:2026-q1';

/** What is wrong with a drill id argument, or undefined; the likeliest mix-up, a run id, is named. */
export function drillIdProblem(drillId: string | undefined): string | undefined {
  if (drillId === undefined) return `<drill id> is missing: which drill? Drill ids look like ${DRILL_ID_EXAMPLE}`;
  // The drill's own run is `quell-drill:…:run`, plain runs `quell:…`.
  if (drillId.startsWith('quell:')) return `<drill id> "${clip(drillId)}" is a run id; drill ids look like ${DRILL_ID_EXAMPLE} (\`/quell status\` shows runs)`;
  if (referenceProblem(drillId) || !DRILL_ID.test(drillId)) return `<drill id> "${clip(drillId)}": drill ids look like ${DRILL_ID_EXAMPLE}`;
  return undefined;
}

/** Echoed words are shortened: the reply shows what was wrong, it does not repeat a paste. */
export function clip(word: string): string {
  return word.length > 60 ? `${word.slice(0, 57)}…` : word;
}
