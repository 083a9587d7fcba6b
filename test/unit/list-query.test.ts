/**
 * The run-listing query builder (client/list-query.ts) and the listing flags and CSV of the CLI
 * (cli/commands/list-output.ts): each filter becomes its clause, hostile literals are refused
 * naming the filter, relative times count back from now, CSV quotes exactly what RFC 4180 says.
 */
import { listRunsQuery } from '../../client/list-query';
import { csvField, csvRecords, filterFromFlags, pageLimit, pointInTime } from '../../cli/commands/list-output';

const NOW = new Date('2026-03-31T12:00:00.000Z');

describe('listRunsQuery', () => {
  it('lists only Quell runs when nothing is asked, and ANDs one clause per filter', () => {
    expect(listRunsQuery({})).toBe('QuellRunbook IS NOT NULL');
    expect(
      listRunsQuery({
        runbook: 'vendor-breach',
        runbookVersion: 2,
        taskQueue: 'quell',
        incidentId: 'INC-1',
        incidentPrefix: 'INC-',
        requestedBy: 'rita',
        approver: 'sam',
        status: 'rejected',
        control: 'SOC2:CC7.4',
        startedAfter: new Date('2026-01-01T00:00:00Z'),
        startedBefore: new Date('2026-02-01T00:00:00Z'),
        closedAfter: new Date('2026-01-15T00:00:00Z'),
        closedBefore: new Date('2026-02-15T00:00:00Z'),
      }).split(' AND '),
    ).toEqual([
      "QuellRunbook = 'vendor-breach'",
      "TaskQueue = 'quell'",
      "QuellRequester = 'rita'",
      "QuellIncident = 'INC-1'",
      "QuellIncident STARTS_WITH 'INC-'",
      'QuellRunbookVersion = 2',
      "QuellApprovers = 'sam'",
      "QuellStatus = 'rejected'",
      "QuellControls = 'SOC2:CC7.4'",
      "StartTime >= '2026-01-01T00:00:00.000Z'",
      "StartTime < '2026-02-01T00:00:00.000Z'",
      "ExecutionStatus != 'Running'",
      "CloseTime >= '2026-01-15T00:00:00.000Z'",
      "CloseTime < '2026-02-15T00:00:00.000Z'",
    ]);
  });

  it('a close-time bound leaves open runs out', () => {
    expect(listRunsQuery({ closedAfter: new Date('2026-01-15T00:00:00Z') })).toBe("QuellRunbook IS NOT NULL AND ExecutionStatus != 'Running' AND CloseTime >= '2026-01-15T00:00:00.000Z'");
  });

  it('tells drills apart from hand-started exercises', () => {
    expect(listRunsQuery({ mode: 'live' })).toBe("QuellRunbook IS NOT NULL AND QuellMode = 'live'");
    expect(listRunsQuery({ mode: 'tabletop' })).toBe("QuellRunbook IS NOT NULL AND QuellMode = 'tabletop' AND QuellDrill IS NULL");
    expect(listRunsQuery({ mode: 'drill' })).toBe('QuellRunbook IS NOT NULL AND QuellDrill IS NOT NULL');
  });

  it('refuses literals that could change the query, naming the filter', () => {
    expect(() => listRunsQuery({ control: "x' OR QuellRunbook IS NOT NULL OR 'a'='a" })).toThrow(/^control "x' OR/);
    expect(() => listRunsQuery({ approver: 'sam\\' })).toThrow(/^approver/);
    expect(() => listRunsQuery({ incidentPrefix: 'INC\n' })).toThrow(/^incident prefix/);
    expect(() => listRunsQuery({ runbookVersion: 1.5 })).toThrow('runbook version 1.5 is not a whole number of at least 1');
    expect(() => listRunsQuery({ startedAfter: new Date('nope') })).toThrow('started-after is not a valid time');
    expect(() => listRunsQuery({ mode: 'practice' as never })).toThrow('mode "practice" is not one of live, tabletop, drill');
    expect(() => listRunsQuery({ status: 'done' as never })).toThrow(/^status "done" is not one of running, /);
  });
});

describe('listing flags', () => {
  it('reads ISO times and durations counted back from now', () => {
    expect(pointInTime('--started-after', '90d', NOW).toISOString()).toBe('2025-12-31T12:00:00.000Z');
    expect(pointInTime('--started-after', '12h', NOW).toISOString()).toBe('2026-03-31T00:00:00.000Z');
    expect(pointInTime('--closed-before', '2026-01-31', NOW).toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(pointInTime('--closed-before', '2026-01-31T10:30:00+02:00', NOW).toISOString()).toBe('2026-01-31T08:30:00.000Z');
    for (const bad of ['yesterday', '2026-13-45', '-5d', '']) {
      expect(() => pointInTime('--closed-before', bad, NOW)).toThrow(/^--closed-before ".*" is not a time/);
    }
  });

  it('turns flags into a filter and refuses a bad value naming its flag', () => {
    expect(filterFromFlags({ mode: 'drill', status: 'running', runbookVersion: '3', control: 'ISO27001:A.5.26', startedAfter: '1d' }, NOW, 'quell')).toEqual({
      taskQueue: 'quell',
      mode: 'drill',
      status: 'running',
      runbookVersion: 3,
      control: 'ISO27001:A.5.26',
      startedAfter: new Date('2026-03-30T12:00:00.000Z'),
    });
    expect(() => filterFromFlags({ mode: 'exercise' }, NOW)).toThrow('--mode "exercise" must be one of: live, tabletop, drill');
    expect(() => filterFromFlags({ runbookVersion: '0' }, NOW)).toThrow(/^--runbook-version "0" must be a whole number/);
    expect(() => filterFromFlags({ incident: 'bad id' }, NOW)).toThrow(/^--incident "bad id" is not valid/);
    expect(() => filterFromFlags({ runbook: "rb' OR 'x" }, NOW)).toThrow(/^--runbook .* is not valid/);
    expect(() => filterFromFlags({ all: true, pageToken: 'v1.abc' }, NOW)).toThrow('--all lists every run from the start: drop --page-token');
    expect(pageLimit({})).toBe(50);
    expect(pageLimit({ limit: '7' })).toBe(7);
    expect(pageLimit({ all: true, limit: '7' })).toBe(Infinity);
    expect(() => pageLimit({ limit: '1001' })).toThrow('--limit "1001" must be a whole number from 1 to 1000');
  });
});

describe('CSV (RFC 4180)', () => {
  it('quotes a field only when it holds a comma, a quote or a line break, doubling quotes', () => {
    expect(csvField('plain value')).toBe('plain value');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
  });

  it('puts the header first and keeps every row the same width', () => {
    expect(csvRecords(['RUN', 'APPROVERS'], [['quell:x:1', 'sam tom'], ['quell:x:2', 'o"neil, jr']])).toEqual(['RUN,APPROVERS', 'quell:x:1,sam tom', 'quell:x:2,"o""neil, jr"']);
  });
});
