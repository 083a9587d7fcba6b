/**
 * The dossier's tamper evidence: canonical JSON per RFC 8785 (checked against the RFC's own
 * samples), and the hash chain, which must name the first entry where any edit breaks it.
 */
import { createHash } from 'node:crypto';
import { CanonicalJsonError, canonicalJson } from '../../reports/audit/canonical-json';
import { GENESIS_PREV, buildChain, verifyChain, type Dossier, type DossierEntryInput } from '../../reports/audit/chain';

const HISTORY = { historyEventCount: 42, lastEventId: 42 };

function sampleEntries(): DossierEntryInput[] {
  return [
    { kind: 'run-started', data: { runbook: 'offboarding', subject: 'jdoe', at: '2026-12-01T10:00:00Z' } },
    { kind: 'approval', data: { step: 'revoke-keys', approver: 'alice', summarySha256: 'ab'.repeat(32) } },
    { kind: 'action', data: { step: 'revoke-keys', result: { revoked: ['AKIA1', 'AKIA2'], count: 2 } } },
    { kind: 'note', data: 'Zugriff für Jürgen gesperrt 🔒' },
    { kind: 'run-completed', data: { status: 'completed', durationSeconds: 12.5 } },
  ];
}

/** A deep copy, as a dossier read back from disk would be. */
const copy = (dossier: Dossier): Dossier => JSON.parse(JSON.stringify(dossier)) as Dossier;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** RFC 8785 Appendix B: IEEE 754 bit patterns and the text JCS must produce for them. */
const APPENDIX_B: Array<[string, string]> = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

const fromBits = (hex: string) => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('canonical JSON (RFC 8785)', () => {
  test.each(APPENDIX_B)('the number with bits %s is written as %s', (bits, expected) => {
    expect(canonicalJson(fromBits(bits))).toBe(expected);
    expect(canonicalJson({ n: [fromBits(bits)] })).toBe(`{"n":[${expected}]}`);
  });

  test('the RFC 3.2.4 example: numbers, escapes and literals, keys sorted', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  test('the RFC 3.2.3 sorting example: keys ordered by UTF-16 code units', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the order off the text: JSON.parse would put the integer-like key "1" first again.
    const keys = [...canonicalJson(input).matchAll(/"([^"]*)":"[^"]*"/g)].map((match) => JSON.parse(`"${match[1]}"`) as string);
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    // Non-ASCII text stays as UTF-8, not \u escapes; control characters are escaped in lower case.
    expect(canonicalJson({ a: '\u20ac\u001f' })).toBe('{"a":"€\\u001f"}');
  });

  test('key order does not matter, at any depth', () => {
    const one = { b: 1, a: { y: [1, { q: 2, p: 1 }], x: null } };
    const two = { a: { x: null, y: [1, { p: 1, q: 2 }] }, b: 1 };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(canonicalJson(one)).toBe('{"a":{"x":null,"y":[1,{"p":1,"q":2}]},"b":1}');
    // Array order does matter.
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  test.each<[string, unknown, string]>([
    ['undefined in an array', { list: [1, undefined] }, '$.list[1]: undefined'],
    ['NaN', { a: { b: NaN } }, '$.a.b: NaN'],
    ['Infinity', [Infinity], '$[0]: Infinity'],
    ['-Infinity', { 'odd key': -Infinity }, '$["odd key"]: -Infinity'],
    ['a BigInt', { big: BigInt(1) }, '$.big: a BigInt'],
    ['a function', { f: () => 1 }, '$.f: a function'],
    ['a lone surrogate', { s: 'x\ud800y' }, '$.s: a string with a lone UTF-16 surrogate'],
    ['undefined itself', undefined, '$: undefined'],
  ])('%s is refused, naming where it is', (_what, value, expected) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(value)).toThrow(`${expected} cannot be represented in canonical JSON (RFC 8785)`);
  });

  test('a cycle is refused, but the same object twice (no cycle) is fine', () => {
    const looped: Record<string, unknown> = { name: 'loop' };
    looped.self = { again: looped };
    expect(() => canonicalJson(looped)).toThrow('$.self.again: a cycle (this object contains itself)');
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  test('an object property set to undefined is left out, as in JSON; a Date is its ISO string', () => {
    expect(canonicalJson({ a: 1, gone: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ at: new Date('2026-12-01T10:00:00Z') })).toBe('{"at":"2026-12-01T10:00:00.000Z"}');
  });
});

describe('the dossier hash chain', () => {
  test('a built chain links every entry to the one before and verifies', () => {
    const dossier = buildChain(sampleEntries(), HISTORY);
    expect(dossier.entries).toHaveLength(5);
    expect(dossier.entries[0].prev).toBe(GENESIS_PREV);
    expect(GENESIS_PREV).toBe('0'.repeat(64));
    for (let index = 1; index < dossier.entries.length; index++) {
      expect(dossier.entries[index].prev).toBe(sha256(canonicalJson(dossier.entries[index - 1])));
      expect(dossier.entries[index].seq).toBe(index);
    }
    expect(dossier.head).toEqual({
      headSha256: sha256(canonicalJson(dossier.entries[4])),
      entryCount: 5,
      historyEventCount: 42,
      lastEventId: 42,
    });
    expect(verifyChain(dossier)).toEqual({ ok: true });
    // Stored and read back (JSON round trip, keys in another order): still verifies.
    const reordered = JSON.parse(JSON.stringify({ head: dossier.head, entries: dossier.entries.map((entry) => ({ prev: entry.prev, data: entry.data, seq: entry.seq, kind: entry.kind })) })) as unknown;
    expect(verifyChain(reordered)).toEqual({ ok: true });
  });

  test('changing one byte of any entry names that entry', () => {
    const dossier = buildChain(sampleEntries(), HISTORY);
    for (let index = 0; index < dossier.entries.length; index++) {
      const tampered = copy(dossier);
      const text = JSON.stringify(tampered.entries[index].data);
      // Flip one character inside the data (a letter or digit becomes another).
      const position = text.search(/[a-z0-9]/);
      const changed = text.slice(0, position) + (text[position] === 'a' ? 'b' : 'a') + text.slice(position + 1);
      tampered.entries[index].data = JSON.parse(changed) as unknown;
      const verdict = verifyChain(tampered);
      const last = index === dossier.entries.length - 1;
      expect(verdict).toEqual({
        ok: false,
        entryIndex: index,
        reason: last
          ? `entry ${index} does not hash to the head's headSha256: the entry or the head was changed after sealing`
          : `entry ${index} does not hash to the prev recorded by entry ${index + 1}: entry ${index} was changed after sealing (or entry ${index + 1}'s prev was edited)`,
      });
    }
  });

  test('changing the kind of an entry is caught too', () => {
    const tampered = copy(buildChain(sampleEntries(), HISTORY));
    tampered.entries[2].kind = 'actiom';
    expect(verifyChain(tampered)).toMatchObject({ ok: false, entryIndex: 2 });
  });

  test('removing an entry names the place where it was', () => {
    const dossier = buildChain(sampleEntries(), HISTORY);
    const tampered = copy(dossier);
    tampered.entries.splice(2, 1);
    expect(verifyChain(tampered)).toEqual({ ok: false, entryIndex: 2, reason: 'entry 2 is numbered seq 3: 1 entry is missing before it' });

    const lastRemoved = copy(dossier);
    lastRemoved.entries.pop();
    expect(verifyChain(lastRemoved)).toEqual({ ok: false, entryIndex: 4, reason: 'the head says 5 entries but the dossier has 4: entries from 4 on are missing' });

    const firstRemoved = copy(dossier);
    firstRemoved.entries.shift();
    expect(verifyChain(firstRemoved)).toMatchObject({ ok: false, entryIndex: 0, reason: 'entry 0 is numbered seq 1: 1 entry is missing before it' });
  });

  test('removing an entry and renumbering the rest is still caught at that place', () => {
    const tampered = copy(buildChain(sampleEntries(), HISTORY));
    tampered.entries.splice(1, 1);
    tampered.entries.forEach((entry, index) => (entry.seq = index));
    tampered.head.entryCount = 4;
    expect(verifyChain(tampered)).toMatchObject({ ok: false, entryIndex: 0, reason: expect.stringContaining('entry 0 does not hash to the prev recorded by entry 1') });
  });

  test('swapping two entries names the first of them', () => {
    const tampered = copy(buildChain(sampleEntries(), HISTORY));
    [tampered.entries[1], tampered.entries[3]] = [tampered.entries[3], tampered.entries[1]];
    expect(verifyChain(tampered)).toEqual({ ok: false, entryIndex: 1, reason: 'entry 1 is numbered seq 3: 2 entries are missing before it' });
  });

  test('editing the head: its hash names the last entry, its count names where the entries disagree', () => {
    const dossier = buildChain(sampleEntries(), HISTORY);
    const hashEdited = copy(dossier);
    hashEdited.head.headSha256 = hashEdited.head.headSha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(verifyChain(hashEdited)).toEqual({
      ok: false,
      entryIndex: 4,
      reason: "entry 4 does not hash to the head's headSha256: the entry or the head was changed after sealing",
    });

    const countUp = copy(dossier);
    countUp.head.entryCount = 6;
    expect(verifyChain(countUp)).toEqual({ ok: false, entryIndex: 5, reason: 'the head says 6 entries but the dossier has 5: entries from 5 on are missing' });

    const countDown = copy(dossier);
    countDown.head.entryCount = 3;
    expect(verifyChain(countDown)).toEqual({
      ok: false,
      entryIndex: 3,
      reason: 'the head says 3 entries but the dossier has 5: entries from 3 on were added after sealing, or the count was edited',
    });

    const noHead = copy(dossier) as Partial<Dossier>;
    delete noHead.head;
    expect(verifyChain(noHead)).toEqual({ ok: false, entryIndex: 5, reason: 'head: missing or not an object' });
  });

  test('a first entry whose prev is not all zeros is named', () => {
    const tampered = copy(buildChain(sampleEntries(), HISTORY));
    tampered.entries[0].prev = '1'.repeat(64);
    expect(verifyChain(tampered)).toEqual({ ok: false, entryIndex: 0, reason: 'entry 0 has a prev other than 64 zeros: it was edited, or is not the first entry' });
  });

  test('a malformed dossier is refused, naming the field', () => {
    expect(verifyChain(null)).toMatchObject({ ok: false, entryIndex: 0, reason: expect.stringContaining('not a dossier') });
    expect(verifyChain({ entries: [], head: {} })).toMatchObject({ ok: false, entryIndex: 0, reason: 'entries: the dossier has no entries' });
    const badPrev = copy(buildChain(sampleEntries(), HISTORY));
    badPrev.entries[3].prev = 'XYZ';
    expect(verifyChain(badPrev)).toEqual({ ok: false, entryIndex: 3, reason: 'entries[3].prev: not 64 lower-case hex digits' });
  });

  test('building refuses input it cannot seal, naming the entry or field', () => {
    expect(() => buildChain([], HISTORY)).toThrow('entries: a dossier needs at least one entry');
    expect(() => buildChain([{ kind: 'note', data: 1 }, { kind: '', data: 1 }], HISTORY)).toThrow('entries[1].kind: must be a non-empty string');
    expect(() => buildChain([{ kind: 'note', data: { n: NaN } }], HISTORY)).toThrow('entries[0].data.n: NaN cannot be represented');
    expect(() => buildChain([{ kind: 'note', data: 1 }], { historyEventCount: -1, lastEventId: 3 })).toThrow('historyFacts.historyEventCount: must be a whole number ≥ 0, got -1');
    expect(() => buildChain([{ kind: 'note', data: 1 }], { historyEventCount: 3, lastEventId: 1.5 })).toThrow('historyFacts.lastEventId');
  });
});
