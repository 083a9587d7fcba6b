/**
 * Maps document paths (as zod and semantics.ts report them) back to line:col in the YAML source,
 * so errors point at the unknown key itself, the mapping that lacks a key, the bad value, or the
 * exact character inside a template string.
 */
import { LineCounter, isMap, isScalar, isSeq, type Document, type Node, type Scalar } from 'yaml';
import type { DocumentPath } from './explain-issues';

/** 1-based position in the source. */
export interface Position {
  line: number;
  col: number;
}

export interface LocateOptions {
  /** Point at the mapping key of the last path segment instead of its value. */
  at?: 'key';
  /** Character offset inside the string value; honoured where the source maps it exactly. */
  offset?: number;
}

/** The node a path leads to (or the deepest one on the way), preferring keys when asked. */
function findNode(doc: Document, path: DocumentPath, at: 'key' | undefined): Node | undefined {
  let node: Node | undefined = doc.contents ?? undefined;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return node;
      const key = pair.key as Scalar;
      const value = pair.value as Node | null;
      // An empty value (`title:`) has no text of its own: the key is the useful place to point.
      const valueIsEmpty = value === null || (isScalar(value) && value.range != null && value.range[0] === value.range[1]);
      if ((last && at === 'key') || valueIsEmpty) return key;
      node = value ?? undefined;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment] as Node;
    } else {
      return node;
    }
  }
  return node;
}

/**
 * Where character `offset` of a scalar's value sits in the source, or undefined when the scalar's
 * source form does not map character-for-character (folded or multi-line flow scalars). Each
 * style is walked honestly (quotes, escapes, indentation) and the result is checked against the
 * value, so a wrong guess falls back to the scalar's start instead of pointing somewhere random.
 */
function scalarSourceOffset(scalar: Scalar, text: string, offset: number): number | undefined {
  const value = scalar.value;
  if (typeof value !== 'string' || scalar.range == null || offset < 0 || offset >= value.length) return undefined;
  const [start, end] = scalar.range;
  const source = text.slice(start, end);
  let mapped: number | undefined;
  switch (scalar.type) {
    case 'PLAIN':
      mapped = source.includes('\n') ? undefined : start + offset;
      break;
    case 'QUOTE_SINGLE':
    case 'QUOTE_DOUBLE':
      mapped = source.includes('\n') ? undefined : quotedOffset(source, scalar.type === 'QUOTE_DOUBLE', offset);
      mapped = mapped === undefined ? undefined : start + mapped;
      break;
    case 'BLOCK_LITERAL':
      mapped = literalBlockOffset(source, value, offset);
      mapped = mapped === undefined ? undefined : start + mapped;
      break;
    default:
      mapped = undefined;
  }
  return mapped !== undefined && text[mapped] === value[offset] ? mapped : undefined;
}

const DOUBLE_QUOTE_ESCAPE_LENGTH: Record<string, number> = { x: 4, u: 6, U: 10 };

/** Offset in a one-line quoted scalar's source of the value's character `offset`. */
function quotedOffset(source: string, double: boolean, offset: number): number | undefined {
  let valueIndex = 0;
  let i = 1; // skip the opening quote
  while (i < source.length - 1) {
    if (valueIndex === offset) return i;
    if (double && source[i] === '\\') i += DOUBLE_QUOTE_ESCAPE_LENGTH[source[i + 1]] ?? 2;
    else if (!double && source[i] === "'" && source[i + 1] === "'") i += 2;
    else i += 1;
    valueIndex += 1;
  }
  return undefined;
}

/** Offset in a `|` block's source (header line, then indented lines) of the value's `offset`. */
function literalBlockOffset(source: string, value: string, offset: number): number | undefined {
  const before = value.slice(0, offset).split('\n');
  const valueLine = before.length - 1;
  const column = before[before.length - 1].length;
  const sourceLines = source.split('\n');
  const contentLines = sourceLines.slice(1);
  const firstContent = contentLines.find((line) => line.trim() !== '');
  if (firstContent === undefined) return undefined;
  const indent = firstContent.length - firstContent.trimStart().length;
  let lineStart = sourceLines[0].length + 1;
  for (let line = 0; line < valueLine; line += 1) lineStart += contentLines[line].length + 1;
  return lineStart + indent + column;
}

/** Positions within one parsed document. */
export interface Locator {
  /** Position of a source character offset. */
  position(offset: number): Position;
  /** Position for a document path; the document start when nothing on the path exists. */
  locate(path: DocumentPath, options?: LocateOptions): Position;
}

/** Builds a locator for one parsed document (`text` is the source `doc` was parsed from). */
export function createLocator(doc: Document, lineCounter: LineCounter, text: string): Locator {
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  return {
    position: toPosition,
    locate(path, options = {}) {
      const node = findNode(doc, path, options.at);
      if (node?.range == null) return { line: 1, col: 1 };
      if (options.offset !== undefined && isScalar(node)) {
        const inside = scalarSourceOffset(node, text, options.offset);
        if (inside !== undefined) return toPosition(inside);
      }
      return toPosition(node.range[0]);
    },
  };
}
