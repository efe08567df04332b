import { describe, expect, it } from 'vitest';
import { Sha256, sha256File, toHex } from './sha256';

const enc = new TextEncoder();

function bytes(n: number, seed = 7): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The reference digest: Web Crypto (Node's implementation under Vitest). */
async function webHex(data: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data)));
}

describe('Sha256 (incremental)', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(new Sha256().update(enc.encode('')).hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new Sha256().update(enc.encode('abc')).hex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(new Sha256().update(enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).hex()).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('gives the same digest however the data is split (block edges 55/56/64 included)', async () => {
    for (const n of [1, 55, 56, 63, 64, 65, 119, 120, 1000, 4097]) {
      const data = bytes(n, n);
      const want = await webHex(data);
      expect(new Sha256().update(data).hex()).toBe(want);
      const split = new Sha256();
      for (let i = 0; i < n; i += 7) split.update(data.subarray(i, Math.min(n, i + 7)));
      expect(split.hex()).toBe(want);
    }
  });

  it('refuses to be used after the digest', () => {
    const hash = new Sha256().update(enc.encode('x'));
    hash.hex();
    expect(() => hash.update(enc.encode('y'))).toThrow();
  });
});

describe('sha256File', () => {
  const data = bytes(300_000, 42);
  const blob = new Blob([data]);

  it('hashes a small file with Web Crypto in one call', async () => {
    const seen: [number, number][] = [];
    expect(await sha256File(blob, { onProgress: (done, total) => seen.push([done, total]) })).toBe(await webHex(data));
    expect(seen).toEqual([[300_000, 300_000]]);
  });

  it('hashes a big file in slices with progress, to the same digest', async () => {
    const seen: number[] = [];
    const hex = await sha256File(blob, { subtleLimit: 1000, chunkSize: 65_536, onProgress: (done) => seen.push(done) });
    expect(hex).toBe(await webHex(data));
    // and the known vector, so the reference itself is not taken on trust
    expect(await sha256File(new Blob([new TextEncoder().encode('abc')]), { subtleLimit: 0, chunkSize: 2 })).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(seen).toEqual([0, 65_536, 131_072, 196_608, 262_144, 300_000]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(sha256File(blob, { subtleLimit: 0, chunkSize: 1000, signal: controller.signal })).rejects.toThrow();
  });
});
