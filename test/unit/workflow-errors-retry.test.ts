/**
 * An Update the server did not accept because the workflow task that would have taken it failed
 * (FAILED_PRECONDITION "unexpected workflow task failure") is sent again, a bounded number of
 * times; every other error is turned into Quell's words at once.
 */
import { withWorkflowErrors } from '../../client/workflow-errors';

const words = { noun: 'run', takesNoMore: 'decisions' };
const unaccepted = () => Object.assign(new Error('9 FAILED_PRECONDITION: unexpected workflow task failure'), { code: 9 });

it('sends an unaccepted Update again until it is taken', async () => {
  let calls = 0;
  const result = await withWorkflowErrors('quell:x:INC-1', words, async () => {
    calls += 1;
    if (calls < 3) throw unaccepted();
    return 'accepted';
  });
  expect({ result, calls }).toEqual({ result: 'accepted', calls: 3 });
});

it('gives up after three more tries and passes the error on', async () => {
  let calls = 0;
  const failure = await withWorkflowErrors('quell:x:INC-1', words, async () => {
    calls += 1;
    throw unaccepted();
  }).catch((error: unknown) => error);
  expect(calls).toBe(4);
  expect((failure as Error).message).toContain('unexpected workflow task failure');
});

it('does not repeat any other failure', async () => {
  let calls = 0;
  const failure = await withWorkflowErrors('quell:x:INC-1', words, async () => {
    calls += 1;
    throw new Error('workflow execution already completed');
  }).catch((error: unknown) => error);
  expect(calls).toBe(1);
  expect(failure).toMatchObject({ name: 'QuellClientError', code: 'refused', message: 'run quell:x:INC-1 has finished; it takes no more decisions' });
});
