/**
 * Runbook-language versions: a runbook that pins `language: 1` is refused each construct of
 * language 2, named with the version it needs at file:line:col; without `language` the newest
 * applies; a language newer than this Quell reads is refused outright.
 */
import { loadRunbookText } from '../../runbooks/load';
import { languageNeeded } from '../../runbooks/language';

const runbook = (language: string, steps: string) => `id: s\nversion: 1\n${language}title: S\nseverity: low\ninputs:\n  at: { type: datetime }\nsteps:\n${steps}`;
const NEW_STEPS = `  - id: ask
    decision: { question: Go?, deciders: [oncall], options: { yes: Yes, no: No }, timeout: 1h }
  - id: pause
    sleep: { for: 1s }
    background: true
  - id: gate
    approval: { approvers: { a: 1, b: 1 }, timeout: { critical: 1h, default: 2h }, summary: Go }
`;

function errorsOf(text: string): string[] {
  const result = loadRunbookText(text, 'r.yaml');
  return result.ok ? [] : result.errors.map((error) => `${error.line}:${error.col}: ${error.message}`);
}

test('language 1 refuses every language-2 construct, naming the version it needs', () => {
  expect(errorsOf(runbook('language: 1\n', NEW_STEPS))).toEqual([
    '7:9: datetime input needs runbook language 2, and this runbook says language: 1 (raise it, or remove the language line to use the newest)',
    '10:5: decision step needs runbook language 2, and this runbook says language: 1 (raise it, or remove the language line to use the newest)',
    '12:5: sleep step needs runbook language 2, and this runbook says language: 1 (raise it, or remove the language line to use the newest)',
    '13:5: background needs runbook language 2, and this runbook says language: 1 (raise it, or remove the language line to use the newest)',
    '15:17: a count per approver group needs runbook language 2, and this runbook says language: 1 (raise it, or remove the language line to use the newest)',
    '15:44: a timeout given by severity needs runbook language 2, and this runbook says language: 1 (raise it, or remove the language line to use the newest)',
  ]);
});

test('language 2, or none, takes them; a newer language is refused', () => {
  expect(errorsOf(runbook('language: 2\n', NEW_STEPS))).toEqual([]);
  const result = loadRunbookText(runbook('', NEW_STEPS), 'r.yaml');
  expect(result.ok && languageNeeded(result.runbook)).toBe(2);
  expect(errorsOf(runbook('language: 3\n', NEW_STEPS))).toEqual(['3:11: this Quell reads runbook language 1 to 2; upgrade Quell to run a newer runbook']);
  const plain = loadRunbookText(runbook('language: 1\n', '  - { id: tell, action: notify, with: { message: hi } }\n').replace('  at: { type: datetime }\n', '  at: { type: string }\n'), 'r.yaml');
  expect(plain.ok && languageNeeded(plain.runbook)).toBe(1);
});
