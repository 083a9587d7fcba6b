/**
 * Names and other one-line text in the configuration files (regions, org names, vendor names,
 * channels, folders). They are shown by `quell doctor`, in notifications and in e-mails, so the
 * rules are those of every shown text (common/text-safety.ts): no control, direction-changing or
 * invisible characters, and at most {@link LIMITS.textLength} characters.
 */
import { z } from 'zod';
import { shownTextProblem } from '../common/text-safety';
import { NAMES_FIELD } from './yaml-config-file';

/** Why `text` is not acceptable one-line configuration text, or undefined. */
export function configTextProblem(text: string): string | undefined {
  return shownTextProblem(text, 'textLength');
}

/** A non-empty line of text within the length limit, free of forbidden characters. */
export function configText() {
  return z
    .string()
    .min(1)
    .superRefine((text, ctx) => {
      const problem = configTextProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', params: NAMES_FIELD, message: problem });
    });
}
