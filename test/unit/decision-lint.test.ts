/**
 * What the linter says about decisions, `end` steps and declared outputs, each at file:line:col:
 * an output a step cannot produce (with the nearest name), a field a decision does not declare, an
 * option a decision does not have, an `end` inside a parallel step or with settings that do
 * nothing, steps after an unconditional `end`, and a field that would hide a step's own output.
 */
import { loadRunbookText } from '../../runbooks/load';

const HEADER = 'id: sample\nversion: 1\ntitle: Sample\nseverity: low\n';
const TRIAGE = `  - id: triage
    decision:
      question: Real?
      deciders: [oncall]
      options: { confirmed: Confirmed, false-positive: False positive }
      fields: { notes: { type: string, required: true }, confidence: { type: string, enum: [low, high] } }
      timeout: 1h
`;

function errorsOf(steps: string): string[] {
  const result = loadRunbookText(`${HEADER}steps:\n${steps}`, 'sample.yaml');
  return result.ok ? [] : result.errors.map((error) => `${error.line}:${error.col}: ${error.message}`);
}

test('a sound triage with a guarded end lints clean', () => {
  expect(errorsOf(`${TRIAGE}  - id: close
    when: "\${{ steps.triage.output.choice == 'false-positive' }}"
    end: { outcome: false-positive, summary: "\${{ steps.triage.output.notes }}" }
  - id: tell
    action: notify
    with: { message: "\${{ steps.triage.output.label }} \${{ steps.triage.output.confidence }} \${{ steps.close.output.outcome }}" }
`)).toEqual([]);
});

test('an output the decision does not declare, and an option it does not have', () => {
  expect(errorsOf(`${TRIAGE}  - id: close
    when: "\${{ steps.triage.output.choice == 'false-positve' || steps.triage.output.confidence == 'medium' }}"
    end: { outcome: false-positive }
  - id: tell
    action: notify
    with: { message: "\${{ steps.triage.output.note }}" }
`)).toEqual([
    `14:46: decision "triage" has no option "false-positve" (did you mean "false-positive"?); its options: confirmed, false-positive`,
    `14:99: field confidence of decision "triage" is one of low, high, never "medium"`,
    `18:27: decision step "triage" has no output "note" (did you mean "notes"?); its outputs: choice, label, answered_by, answered_at, notes, confidence`,
  ]);
});

test('an end in a parallel step is refused where it stands', () => {
  expect(errorsOf(`  - id: both
    parallel:
      - id: stop
        end: { outcome: done }
      - id: tell
        action: notify
        with: { message: hi }
`)).toEqual(['9:9: an end step cannot be a branch of a parallel step: the other branches would be cut off mid-way; put it after the parallel step']);
});

test('steps after an unconditional end never run, and an end does no work to time out or retry', () => {
  expect(errorsOf(`  - id: stop
    end: { outcome: done }
    retry: { max_attempts: 2 }
  - id: after
    action: notify
    with: { message: hi }
`)).toEqual([
    '8:5: retry does nothing on an end step, which does no work: remove it',
    '9:9: step "after" never runs: step "stop" ends the run unconditionally before it (give that end step a when, or remove this step)',
  ]);
});

test('declared outputs of waits and tasks close their output names; undeclared waits stay open', () => {
  expect(errorsOf(`  - id: confirm
    wait: { event: done, outputs: { certificate_url: { type: string } } }
  - id: open-wait
    wait: { event: other }
  - id: task
    manual: { task: Check, outputs: { returned: { type: boolean } } }
  - id: tell
    action: notify
    with: { message: "\${{ steps.confirm.output.certificate }} \${{ steps.open-wait.output.anything }} \${{ steps.task.output.done_by }} \${{ steps.task.output.returnd }}" }
`)).toEqual([
    '14:27: wait step "confirm" has no output "certificate" (did you mean "certificate_url"?); its outputs: event, received_at, received_via, certificate_url',
    '14:139: manual step "task" has no output "returnd" (did you mean "returned"?); its outputs: done_by, note, returned',
  ]);
});

test('a declared field may not hide what the step records itself', () => {
  expect(errorsOf(`  - id: confirm
    wait: { event: done, outputs: { received_at: { type: string } } }
`)).toEqual(['7:50: field "received_at" would hide the event\'s own received_at: use another name (reserved: event, received_at, received_via)']);
  expect(errorsOf(TRIAGE.replace('notes:', 'choice:'))).toEqual([
    '11:25: field "choice" would hide the answer\'s own choice: use another name (reserved: choice, label, answered_by, answered_at)',
  ]);
});

test('an until that reads something that cannot hold a time is refused; datetime inputs and fields are fine', () => {
  const result = loadRunbookText(
    `${HEADER}inputs:\n  count: { type: number }\n  embargo: { type: datetime }\nsteps:\n${TRIAGE.replace('confidence: { type: string, enum: [low, high] }', 'resume_at: { type: datetime }')}  - { id: a, sleep: { until: "\${{ inputs.count }}" } }\n  - { id: b, sleep: { until: "\${{ inputs.embargo }}" } }\n  - { id: c, sleep: { until: "\${{ steps.triage.output.resume_at }}" } }\n  - { id: d, sleep: { until: "\${{ steps.triage.output.notes }}" } }\n`,
    'sample.yaml',
  );
  expect(result.ok ? [] : result.errors.map((error) => `${error.line}:${error.col}: ${error.message}`)).toEqual([
    '16:35: until reads inputs.count (number), which cannot hold a time: give it an ISO time (declare it type: datetime)',
  ]);
});
