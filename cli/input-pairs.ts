/**
 * `--input name=value` flags as the run's inputs. Names are whatever was typed, so they are kept
 * in a record without a prototype: `__proto__=x` is an input called "__proto__" (which the
 * runbook then refuses by name), not a change to the record itself. Values are passed on as typed;
 * runbooks/inputs.ts judges them with the same rules as every other surface.
 */
import { LIMITS, limitMessage } from '../common/limits';
import { emptyRecord, hasOwnKey, setOwn } from '../common/own';
import { excerpt } from '../common/text-safety';
import { usageFailure } from './failure';

/** How much of a malformed flag the refusal repeats. */
const SHOWN_CHARACTERS = 60;

/** `name=value` pairs; a name given more than once becomes a list. Throws a usage CliFailure. */
export function parseInputPairs(pairs: readonly string[]): Record<string, string | string[]> {
  if (pairs.length > LIMITS.inputsGiven.value) {
    throw usageFailure(`--input is given too many times: ${limitMessage('inputsGiven', pairs.length)}`);
  }
  const inputs = emptyRecord<string | string[]>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = at > 0 ? pair.slice(0, at).trim() : '';
    if (!name) throw usageFailure(`--input "${excerpt(pair, SHOWN_CHARACTERS)}" must look like name=value`);
    const value = pair.slice(at + 1);
    if (!hasOwnKey(inputs, name)) {
      setOwn(inputs, name, value);
      continue;
    }
    const existing = inputs[name];
    setOwn(inputs, name, [...(Array.isArray(existing) ? existing : [existing]), value]);
  }
  return inputs;
}
