/**
 * Views and run states for the Block Kit builder tests (test/unit/slack-blocks*.test.ts), built the
 * way the workflow builds them (workflows/publisher-view.ts), and the check that a message fits
 * Block Kit's limits.
 */
import type { ApprovalGateState, RunState, StepState } from '../../common/run-state';
import type { ApprovalCardView } from '../../common/publisher-view';
import { sha256Hex } from '../../common/sha256';
import type { SlackMessage } from '../../slack/blocks';
import { LIMITS } from '../../slack/blocks/format';
import { approvalCard } from '../../workflows/publisher-view';
import { buttonsOf } from './slack-message-text';

export const WORKFLOW_ID = 'quell-tabletop:credential-compromise:INC-42';
export const SUMMARY = 'Deactivate AKIAABCDEFGHIJKLMNOP of alice and block egress to 203.0.113.0/24';

type AnyBlock = Record<string, unknown> & { type: string };

export function blocksOf(message: SlackMessage): AnyBlock[] {
  return message.blocks as unknown as AnyBlock[];
}

/** Block Kit limits Slack enforces (it refuses the whole message otherwise). */
export function expectWithinLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(message.text.length).toBeGreaterThan(0);
  for (const block of blocksOf(message)) {
    if (block.type === 'section') expect((block.text as { text: string }).text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (block.type === 'header') expect((block.text as { text: string }).text.length).toBeLessThanOrEqual(LIMITS.headerText);
  }
  for (const button of buttonsOf(message)) {
    expect((button.text as { text: string }).text.length).toBeLessThanOrEqual(LIMITS.buttonText);
    expect(String(button.value).length).toBeLessThanOrEqual(2000);
    const confirm = button.confirm as { title: { text: string }; text: { text: string } } | undefined;
    if (confirm) {
      expect(confirm.title.text.length).toBeLessThanOrEqual(LIMITS.confirmTitle);
      expect(confirm.text.text.length).toBeLessThanOrEqual(LIMITS.confirmText);
    }
  }
}

export function gate(overrides: Partial<ApprovalGateState> = {}): ApprovalGateState {
  return {
    approverGroups: ['security-oncall'],
    quorum: 2,
    summary: SUMMARY,
    summarySha256: sha256Hex(SUMMARY),
    deadline: '2030-01-01T12:15:00.000Z',
    decisions: [],
    escalated: false,
    ...overrides,
  };
}

export function runState(steps: StepState[], overrides: Partial<RunState> = {}): RunState {
  return {
    workflowId: WORKFLOW_ID,
    runbook: { id: 'credential-compromise', version: 2, title: 'Compromised cloud credential', sha256: 'a'.repeat(64) },
    incidentId: 'INC-42',
    mode: 'tabletop',
    requestedBy: 'rita.requester',
    status: 'running',
    startedAt: '2030-01-01T12:00:00.000Z',
    steps,
    events: [],
    ...overrides,
  };
}

export const approvalStep = (g: ApprovalGateState, status: StepState['status'] = 'waiting'): StepState => ({
  id: 'approve-containment',
  kind: 'approval',
  title: 'Approve containment',
  status,
  approval: g,
});

export function openCard(overrides: Partial<ApprovalGateState> = {}): ApprovalCardView {
  const g = gate(overrides);
  const step = approvalStep(g);
  return approvalCard(runState([step]), step, g, undefined);
}
