/**
 * What the linter says about `foreach`, each at file:line:col: items that are not a list (a
 * string input, a decision's choice, a constant text), `item` outside a loop, a loop's step read
 * from outside it or before it ran within an item, and steps a loop cannot run.
 */
import { loadRunbookText } from '../../runbooks/load';

const HEADER = 'id: sample\nversion: 1\ntitle: Sample\nseverity: low\ninputs:\n  hosts: { type: list }\n  host: { type: string }\n';

function errorsOf(steps: string): string[] {
  const result = loadRunbookText(`${HEADER}steps:\n${steps}`, 'sample.yaml');
  return result.ok ? [] : result.errors.map((error) => `${error.line}:${error.col}: ${error.message}`);
}

const loopOver = (items: string, body = '        - { id: tell, action: notify, with: { message: "${{ item.value }}" } }\n') =>
  `  - id: each\n    foreach:\n      items: ${items}\n      steps:\n${body}`;

test('a loop over a list input, reading its item and its own earlier steps, lints clean', () => {
  expect(errorsOf(`${loopOver('"${{ inputs.hosts }}"', `        - { id: first, action: notify, with: { message: "\${{ item.value }} \${{ item.index }}" } }
        - { id: second, action: notify, with: { message: "\${{ steps.first.output.would_do }}" } }
`)}  - { id: after, action: notify, with: { message: "\${{ steps.each.output.succeeded }} \${{ steps.each.output.results }}" } }
`)).toEqual([]);
});

test('items that are not a list are refused', () => {
  expect(errorsOf(loopOver('"${{ inputs.host }}"'))).toEqual(['11:19: inputs.host is a string, not a list: a foreach needs a list (declare it type: list)']);
  expect(errorsOf(loopOver('"every host"'))).toEqual(['11:14: items must be a list, or one ${{ }} expression that yields a list (e.g. ${{ inputs.hosts }}); got "every host"']);
  expect(errorsOf(`  - id: ask
    decision: { question: Which?, deciders: [oncall], options: { a: A, b: B }, timeout: 1h }
${loopOver('"${{ steps.ask.output.choice }}"')}`)).toEqual(['13:19: steps.ask.output.choice is not a list, so a foreach cannot go through it']);
});

test('item outside a loop, and a loop step read from outside or too early, are refused', () => {
  expect(errorsOf(`  - { id: lone, action: notify, with: { message: "\${{ item.value }}" } }\n`)).toEqual([
    '9:55: item is the current item of a foreach, and this is not inside one',
  ]);
  expect(errorsOf(`${loopOver('"${{ inputs.hosts }}"', `        - { id: first, action: notify, with: { message: "\${{ steps.second.output.would_do }} \${{ item.valu }}" } }
        - { id: second, action: notify, with: { message: x } }
`)}  - { id: after, action: notify, with: { message: "\${{ steps.first.status }}" } }
`)).toEqual([
    '13:62: step "second" runs after this step in each item of foreach "each", so its output is not available yet',
    '13:98: item.valu does not exist (did you mean "value"?): write item.value (the item) or item.index (its position from 0)',
    '15:56: step "first" runs once for every item of foreach "each"; read steps.each.output.results (one entry per item) instead',
  ]);
});

test('a loop runs no wait, end, parallel or nested loop', () => {
  expect(errorsOf(loopOver('"${{ inputs.hosts }}"', '        - { id: hold, wait: { event: done } }\n'))).toEqual([
    '13:23: a foreach cannot run a wait step: one event would answer every item',
  ]);
  expect(errorsOf(loopOver('"${{ inputs.hosts }}"', '        - { id: stop, end: { outcome: done } }\n'))).toEqual([
    '13:23: a foreach cannot run an end step: ending the run from one item would cut the others off',
  ]);
});
