/**
 * The one safe way Quell turns YAML text (runbooks, the connectors file, the approvers file) into
 * plain data. Every file may come from someone careless or hostile, so before and while parsing:
 *
 * - nesting is bounded twice: a cheap scan of the raw text refuses absurd depth before the YAML
 *   library sees it (the library recurses and, at hundreds of thousands of levels, can exhaust
 *   memory), then the parsed tree is held to {@link LIMITS.yamlNestingDepth} at the node at fault;
 * - duplicate keys are found with one set per mapping (the library's own check compares every
 *   pair, which takes seconds at tens of thousands of keys);
 * - mappings and lists are held to entry limits, `__proto__` is refused as a key (converting it
 *   would either change an object's prototype or be silently dropped), keys must be plain text;
 * - aliases are counted, and an alias that expands to too much data is reported at that alias.
 *
 * Every problem comes back with a 1-based line and column; nothing here throws for bad input.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node, type YAMLError } from 'yaml';
import { LIMITS, limitMessage } from '../../common/limits';
import { createLocator, type Locator } from './locate';

export interface YamlProblem {
  line: number;
  col: number;
  message: string;
}

export type ParsedYaml =
  | { ok: true; doc: Document; raw: unknown; locator: Locator }
  | { ok: false; problems: YamlProblem[]; locator?: Locator };

export interface ParseYamlOptions {
  /** Explains library error codes in the file's own terms (duplicate keys, several documents). */
  explain?: (error: YAMLError, text: string) => string;
}

/** Raw-text guards, generous multiples of the real limit: only absurd files stop here. */
const MAX_FLOW_DEPTH = LIMITS.yamlNestingDepth.value * 4;
const MAX_INDENT_COLUMNS = 256;
const MAX_LEADING_INDICATORS = LIMITS.yamlNestingDepth.value * 2;

/**
 * Finds absurd nesting in the raw text without parsing it: flow brackets (counted everywhere, so
 * no quoting trick can hide them; only a file with over a hundred unclosed brackets trips this),
 * indentation, and runs of `- ` / `? ` indicators at the start of a line. Linear.
 */
function rawNestingProblem(text: string, lineCounter: LineCounter): YamlProblem | undefined {
  const at = (offset: number, message: string): YamlProblem => ({ ...lineCounter.linePos(offset), message });
  const tooDeep = `nested too deeply: ${limitMessage('yamlNestingDepth')}`;
  let depth = 0;
  let lineStart = true;
  let indent = 0;
  let indicators = 0;
  for (let offset = 0; offset < text.length; offset += 1) {
    const char = text[offset];
    if (char === '\n') {
      lineStart = true;
      indent = 0;
      indicators = 0;
      continue;
    }
    if (lineStart) {
      if (char === ' ') {
        indent += 1;
        if (indent > MAX_INDENT_COLUMNS) return at(offset, `indented more than ${MAX_INDENT_COLUMNS} columns: ${tooDeep}`);
        continue;
      }
      if ((char === '-' || char === '?') && (text[offset + 1] === ' ' || text[offset + 1] === '\n')) {
        indicators += 1;
        if (indicators > MAX_LEADING_INDICATORS) return at(offset, tooDeep);
        continue;
      }
      lineStart = false;
    }
    if (char === '[' || char === '{') {
      depth += 1;
      if (depth > MAX_FLOW_DEPTH) return at(offset, tooDeep);
    } else if ((char === ']' || char === '}') && depth > 0) {
      depth -= 1;
    }
  }
  return undefined;
}

/** Limits on the parsed tree: depth, entries, keys, aliases. Stops at the first problem. */
function treeProblem(doc: Document, lineCounter: LineCounter): YamlProblem | undefined {
  let problem: YamlProblem | undefined;
  let aliases = 0;
  const at = (node: Node | null | undefined, message: string): YamlProblem => ({ ...lineCounter.linePos(node?.range?.[0] ?? 0), message });

  const walk = (node: unknown, depth: number): void => {
    if (problem !== undefined || node === null || node === undefined) return;
    if (isAlias(node)) {
      aliases += 1;
      if (aliases > LIMITS.yamlAliases.value) problem = at(node, `too many aliases: ${limitMessage('yamlAliases')}`);
      return;
    }
    if (isMap(node) || isSeq(node)) {
      if (depth > LIMITS.yamlNestingDepth.value) {
        problem = at(node, `nested too deeply: ${limitMessage('yamlNestingDepth')}`);
        return;
      }
      const limitName = isMap(node) ? 'mappingEntries' : 'listEntries';
      if (node.items.length > LIMITS[limitName].value) {
        const first = node.items[LIMITS[limitName].value];
        // A mapping's items are pairs, which have no position of their own: point at the key.
        problem = at((isPair(first) ? first.key : first) as Node, `too many ${isMap(node) ? 'keys in one mapping' : 'items in one list'}: ${limitMessage(limitName, node.items.length)}`);
        return;
      }
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (key !== null && !isScalar(key)) {
          problem = at(key, 'a key must be plain text, not a list, mapping or alias');
          return;
        }
        const name = key === null ? '' : String(key.value);
        if (name === '__proto__') {
          problem = at(key, 'the key "__proto__" is not allowed: it is reserved by JavaScript; choose another name');
          return;
        }
        if (seen.has(name)) {
          problem = at(key, `duplicate key "${name}": a key may appear only once in a mapping (the later one would silently win)`);
          return;
        }
        seen.add(name);
        walk(pair.value, depth + 1);
        if (problem !== undefined) return;
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        walk(isPair(item) ? item.value : item, depth + 1);
        if (problem !== undefined) return;
      }
    }
  };
  walk(doc.contents, 1);
  return problem;
}

/** The first alias in the document: where an alias bomb is reported. */
function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** Parses YAML text into plain data, or located problems. Never throws for bad input. */
export function parseYaml(text: string, options: ParseYamlOptions): ParsedYaml {
  // Line starts indexed from the text itself rather than by the parser, which stops counting
  // where it gives up on broken input (errors past that point would land on the wrong line).
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let offset = text.indexOf('\n'); offset !== -1; offset = text.indexOf('\n', offset + 1)) lineCounter.addNewLine(offset + 1);
  const raw = rawNestingProblem(text, lineCounter);
  if (raw) return { ok: false, problems: [raw] };

  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
  const locator = createLocator(doc, lineCounter, text);
  const explain = options.explain ?? ((error: YAMLError) => `YAML syntax: ${error.message.split('\n')[0]}`);
  // Warnings (unresolved tags, ...) are errors too: a file must mean exactly what it says.
  const yamlErrors = [...doc.errors, ...doc.warnings];
  if (yamlErrors.length > 0) {
    return {
      ok: false,
      locator,
      problems: yamlErrors.map((error) => ({
        ...lineCounter.linePos(error.pos[0]),
        message: error.code === 'RESOURCE_EXHAUSTION' ? `nested too deeply: ${limitMessage('yamlNestingDepth')}` : explain(error, text),
      })),
    };
  }
  const tree = treeProblem(doc, lineCounter);
  if (tree) return { ok: false, locator, problems: [tree] };
  try {
    return { ok: true, doc, raw: doc.toJS({ maxAliasCount: LIMITS.yamlAliases.value }), locator };
  } catch (error) {
    return { ok: false, locator, problems: [aliasProblem(doc, lineCounter, error)] };
  }
}

/** Why converting failed: an alias without an anchor, or aliases that expand to too much data. */
function aliasProblem(doc: Document, lineCounter: LineCounter, error: unknown): YamlProblem {
  let dangling: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      dangling = node;
      return visit.BREAK;
    },
  });
  if (dangling && isAlias(dangling)) {
    return { ...lineCounter.linePos(dangling.range?.[0] ?? 0), message: `YAML: alias "*${dangling.source}" refers to no anchor: define "&${dangling.source}" before using it` };
  }
  const first = firstAlias(doc);
  const excessive = /alias count|resource exhaustion/i.test((error as Error).message);
  const message = excessive
    ? `YAML aliases here expand to too much data (an "alias bomb"): each alias copies its anchor's whole value; write the values out or use fewer nested aliases`
    : `YAML: cannot convert the document: ${(error as Error).message}`;
  return { ...lineCounter.linePos(first?.range?.[0] ?? 0), message };
}

/** The problem with a file of `byteLength` bytes, if it is larger than the limit allows. */
export function sizeProblem(byteLength: number, limitName: 'runbookFileBytes' | 'configFileBytes'): YamlProblem | undefined {
  if (byteLength <= LIMITS[limitName].value) return undefined;
  return { line: 1, col: 1, message: `file is too large: ${limitMessage(limitName, byteLength)}` };
}
