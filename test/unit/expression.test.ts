import {
  ExpressionError,
  evaluateExpression,
  isTruthy,
  parseExpression,
  parseTemplate,
  renderDeep,
  renderTemplate,
  templateReferences,
  type TemplateContext,
} from '../../common/expression';

const context: TemplateContext = {
  inputs: {
    principal: 'AKIAEXAMPLE',
    cidrs: ['203.0.113.0/24', '198.51.100.7/32'],
    count: 3,
    notify: true,
    empty: '',
    tags: { team: 'sre' },
  },
  steps: {
    'block-egress': { status: 'succeeded', output: { rule_id: 'quell-42', ports: [443, 22] } },
    'collect-evidence': { status: 'failed' },
  },
  run: { id: 'quell:cc:INC-1', incident: 'INC-1', mode: 'tabletop', version: 2 },
};

const evaluate = (source: string): unknown => evaluateExpression(parseExpression(source), context);

/** Runs `fn`, expecting an ExpressionError; returns it for assertions on message and offset. */
function expressionError(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe('literals', () => {
  it.each([
    ['null', null],
    ['true', true],
    ['false', false],
    ['42', 42],
    ['-1.5', -1.5],
    ['2e3', 2000],
    ["'single'", 'single'],
    ['"double"', 'double'],
    ["'it\\'s'", "it's"],
    ['"a\\nb"', 'a\nb'],
    ["'}}'", '}}'],
  ])('%s', (source, value) => {
    expect(evaluate(source)).toEqual(value);
  });
});

describe('paths', () => {
  it('reads inputs, step outputs, status and run fields', () => {
    expect(evaluate('inputs.principal')).toBe('AKIAEXAMPLE');
    expect(evaluate('steps.block-egress.output.rule_id')).toBe('quell-42');
    expect(evaluate('steps.collect-evidence.status')).toBe('failed');
    expect(evaluate('run.incident')).toBe('INC-1');
  });

  it('indexes lists with [n] and objects with [\'key\']', () => {
    expect(evaluate('inputs.cidrs[1]')).toBe('198.51.100.7/32');
    expect(evaluate("inputs['tags'][\"team\"]")).toBe('sre');
    expect(evaluate("steps['block-egress'].output.ports[0]")).toBe(443);
  });

  it('treats missing paths as null at any depth', () => {
    expect(evaluate('inputs.vendor')).toBeNull();
    expect(evaluate('inputs.vendor.name[3]')).toBeNull();
    expect(evaluate('steps.never-ran.output.rule_id')).toBeNull();
    expect(evaluate('inputs.cidrs[9]')).toBeNull();
    expect(evaluate('inputs.principal.length')).toBeNull();
    expect(evaluate('inputs.vendor != null')).toBe(false);
    expect(evaluate('inputs.principal != null')).toBe(true);
  });

  it('never reads inherited properties', () => {
    expect(evaluate('inputs.constructor')).toBeNull();
    expect(evaluate("inputs['__proto__']")).toBeNull();
    expect(evaluate('inputs.tags.hasOwnProperty')).toBeNull();
  });

  it('keeps the whole step id when it contains hyphens', () => {
    expect(parseExpression('steps.block-egress.output.rule_id')).toEqual({
      kind: 'path',
      segments: ['steps', 'block-egress', 'output', 'rule_id'],
      offset: 0,
    });
  });
});

describe('operators', () => {
  it('compares primitives strictly', () => {
    expect(evaluate("inputs.count == 3")).toBe(true);
    expect(evaluate("inputs.count == '3'")).toBe(false);
    expect(evaluate("run.mode != 'live'")).toBe(true);
    expect(evaluate('null == inputs.missing')).toBe(true);
    expect(evaluate('false == 0')).toBe(false);
  });

  it('compares lists and objects structurally', () => {
    expect(evaluate('steps.block-egress.output.ports == steps.block-egress.output.ports')).toBe(true);
    expect(evaluateExpression(parseExpression('inputs.a == inputs.b'), { ...context, inputs: { a: [1, { x: 'y' }], b: [1, { x: 'y' }] } })).toBe(true);
    expect(evaluateExpression(parseExpression('inputs.a == inputs.b'), { ...context, inputs: { a: { x: 1 }, b: { x: 1, y: 2 } } })).toBe(false);
    expect(evaluateExpression(parseExpression('inputs.a != inputs.b'), { ...context, inputs: { a: [1, 2], b: [2, 1] } })).toBe(true);
  });

  it('orders two numbers or two strings', () => {
    expect(evaluate('inputs.count > 2')).toBe(true);
    expect(evaluate('inputs.count <= 2')).toBe(false);
    expect(evaluate("'abc' < 'abd'")).toBe(true);
    expect(evaluate('inputs.count >= 3')).toBe(true);
  });

  it('refuses to order mixed types, naming both and pointing at the operator', () => {
    const error = expressionError(() => evaluate("inputs.count < 'ten'"));
    expect(error.message).toBe('cannot compare number < string: "<" needs two numbers or two strings');
    expect(error.offset).toBe(13);
    expect(expressionError(() => evaluate('inputs.missing > 1')).message).toMatch(/^cannot compare null > number/);
  });

  it('short-circuits && and || and returns booleans', () => {
    expect(evaluate("inputs.principal && 'yes'")).toBe(true);
    expect(evaluate('inputs.empty || 0')).toBe(false);
    // The right-hand side would throw if it were evaluated.
    expect(evaluate("false && inputs.count < 'x'")).toBe(false);
    expect(evaluate("true || inputs.count < 'x'")).toBe(true);
  });

  it('applies precedence: ! over comparisons over && over ||', () => {
    expect(evaluate('true || false && false')).toBe(true);
    expect(evaluate('(true || false) && false')).toBe(false);
    expect(evaluate('!inputs.notify == false')).toBe(true);
    expect(evaluate('!!inputs.cidrs')).toBe(true);
    expect(evaluate("inputs.count > 1 && run.mode == 'tabletop'")).toBe(true);
  });
});

describe('isTruthy', () => {
  it.each([null, undefined, false, 0, Number.NaN, '', []])('%p is falsy', (value) => {
    expect(isTruthy(value)).toBe(false);
  });
  it.each([true, 1, -1, 'false', '0', [0], {}])('%p is truthy', (value) => {
    expect(isTruthy(value)).toBe(true);
  });
});

describe('syntax errors carry the offset of the problem', () => {
  it.each([
    ['', 0, 'empty expression'],
    ['inputs.a = 1', 9, 'use "==" to compare'],
    ['inputs.a & inputs.b', 9, 'use "&&"'],
    ['inputs.count + 1', 13, 'arithmetic ("+") is not supported'],
    ["inputs.a == 'open", 12, 'unterminated string'],
    ['(inputs.a == 1', 0, 'unclosed "("'],
    ['input.principal', 0, 'unknown name "input" (did you mean "inputs"?)'],
    ['True', 0, 'did you mean "true"?'],
    ['contains(inputs.a, 1)', 0, 'functions are not supported'],
    ['inputs.', 6, 'expected a name after "."'],
    ['inputs.cidrs[x]', 13, "expected an index like [0] or a key like ['name']"],
    ['inputs.cidrs[0', 12, 'unclosed "["'],
    ['inputs.a ==', 11, 'expected a value but the expression ended'],
    ['inputs.a inputs.b', 9, 'unexpected "inputs"'],
    ['1 < 2 < 3', 6, 'comparisons cannot be chained'],
    ['inputs.a == 1 == true', 14, 'comparisons cannot be chained'],
    ['"bad \\q escape"', 5, 'unknown escape "\\q"'],
    ['inputs.x-', 8, 'arithmetic ("-") is not supported'],
  ])('%j → offset %i', (source, offset, message) => {
    const error = expressionError(() => parseExpression(source));
    expect(error.message).toContain(message);
    expect(error.offset).toBe(offset);
  });
});

describe('parseTemplate', () => {
  it('splits literals and expressions, with expression offsets in the text', () => {
    const parts = parseTemplate('Block ${{ inputs.cidrs }} for ${{run.incident}}!');
    expect(parts.map((part) => (part.kind === 'literal' ? part.text : [part.source, part.offset]))).toEqual([
      'Block ',
      [' inputs.cidrs ', 9],
      ' for ',
      ['run.incident', 33],
      '!',
    ]);
  });

  it('does not end an expression at "}}" inside a string', () => {
    const parts = parseTemplate("${{ inputs.a == '}}' }}x");
    expect(parts).toHaveLength(2);
    expect(parts[1]).toEqual({ kind: 'literal', text: 'x' });
  });

  it('reports errors at their offset in the whole text', () => {
    const error = expressionError(() => parseTemplate('Ticket: ${{ inputs.a = 1 }}'));
    expect(error.offset).toBe('Ticket: ${{ inputs.a '.length);
  });

  it('rejects an unterminated ${{ at its start', () => {
    const error = expressionError(() => parseTemplate('rule ${{ steps.x.output.rule_id }'));
    expect(error.message).toBe('unterminated "${{": close the expression with "}}"');
    expect(error.offset).toBe(5);
  });

  it('blames an open string for a missing }}', () => {
    const error = expressionError(() => parseTemplate("${{ inputs.a == 'x }}"));
    expect(error.message).toContain('unterminated string');
    expect(error.offset).toBe(16);
  });

  it('leaves text without templates alone', () => {
    expect(parseTemplate('plain {{ not a template }} $ {')).toEqual([{ kind: 'literal', text: 'plain {{ not a template }} $ {' }]);
    expect(parseTemplate('')).toEqual([]);
  });
});

describe('renderTemplate', () => {
  it('keeps the type of a whole-string template', () => {
    expect(renderTemplate('${{ inputs.cidrs }}', context)).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
    expect(renderTemplate('  ${{ inputs.count }} ', context)).toBe(3);
    expect(renderTemplate('${{ inputs.missing }}', context)).toBeNull();
    expect(renderTemplate('${{ inputs.notify && run.mode == "tabletop" }}', context)).toBe(true);
    expect(renderTemplate('${{ inputs.tags }}', context)).toEqual({ team: 'sre' });
  });

  it('interpolates when there is surrounding text or several templates', () => {
    expect(renderTemplate('Rule ${{ steps.block-egress.output.rule_id }} for ${{ run.incident }}', context)).toBe('Rule quell-42 for INC-1');
    expect(renderTemplate('[${{ inputs.missing }}]', context)).toBe('[]');
    expect(renderTemplate('cidrs=${{ inputs.cidrs }}', context)).toBe('cidrs=["203.0.113.0/24","198.51.100.7/32"]');
    expect(renderTemplate('${{ inputs.count }}${{ inputs.count }}', context)).toBe('33');
    expect(renderTemplate('no templates', context)).toBe('no templates');
  });

  it('reports evaluation errors at their offset in the text', () => {
    const error = expressionError(() => renderTemplate("x ${{ inputs.count < 'a' }}", context));
    expect(error.offset).toBe("x ${{ inputs.count ".length);
  });
});

describe('renderDeep', () => {
  it('renders every string in a new structure and leaves other values alone', () => {
    const input = {
      provider: 'nftables',
      cidrs: '${{ inputs.cidrs }}',
      ports: [443, '${{ steps.block-egress.output.ports[1] }}'],
      nested: { note: 'for ${{ run.incident }}', keep: true, nothing: null },
    };
    const output = renderDeep(input, context);
    expect(output).toEqual({
      provider: 'nftables',
      cidrs: ['203.0.113.0/24', '198.51.100.7/32'],
      ports: [443, 22],
      nested: { note: 'for INC-1', keep: true, nothing: null },
    });
    expect(input.cidrs).toBe('${{ inputs.cidrs }}');
  });
});

describe('templateReferences', () => {
  it('lists every path with the offset where it starts', () => {
    const text = "Unblock ${{ steps.block-egress.output.rule_id }} if ${{ inputs.cidrs[0] != null && run['mode'] == 'live' }}";
    expect(templateReferences(text)).toEqual([
      { path: ['steps', 'block-egress', 'output', 'rule_id'], offset: text.indexOf('steps.') },
      { path: ['inputs', 'cidrs', '0'], offset: text.indexOf('inputs.') },
      { path: ['run', 'mode'], offset: text.indexOf('run[') },
    ]);
  });

  it('finds paths under ! and inside parentheses', () => {
    expect(templateReferences('${{ !(inputs.a || steps.b.status == "failed") }}').map((ref) => ref.path.join('.'))).toEqual(['inputs.a', 'steps.b.status']);
  });

  it('returns nothing for plain text and throws for bad syntax', () => {
    expect(templateReferences('just text')).toEqual([]);
    expect(expressionError(() => templateReferences('${{ inputs.a === 1 }}')).offset).toBe(15);
  });
});
