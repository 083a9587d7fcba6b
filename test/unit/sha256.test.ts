import { createHash, randomBytes } from 'node:crypto';
import { sha256Hex } from '../../common/sha256';

const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('workflow-safe sha256', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto on every padding boundary and on non-ASCII text', () => {
    for (let length = 0; length <= 130; length++) {
      const text = 'x'.repeat(length);
      expect(sha256Hex(text)).toBe(nodeSha256(text));
    }
    for (const text of ['Approve → revoke AKIA…', 'Zugriff für Jürgen sperren', '🔑 rotate', 'lone \ud800 surrogate']) {
      expect(sha256Hex(text)).toBe(nodeSha256(text));
    }
    for (let i = 0; i < 20; i++) {
      const text = randomBytes(1 + i * 37).toString('base64');
      expect(sha256Hex(text)).toBe(nodeSha256(text));
    }
  });
});
