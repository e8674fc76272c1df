import { describe, expect, it } from 'vitest';
import { base64ToBytes, hexDump, utf8Bytes } from './hex';

describe('hex view', () => {
  it('dumps 16 bytes a line with offset, hex and printable ASCII', () => {
    const { lines, truncated } = hexDump(utf8Bytes('{"id":1,"text":"héllo"}'));
    expect(truncated).toBe(false);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('00000000  7b 22 69 64 22 3a 31 2c  22 74 65 78 74 22 3a 22  |{"id":1,"text":"|');
    expect(lines[1]).toMatch(/^00000010 {2}68 c3 a9 6c 6c 6f 22 7d {2}/);
    expect(lines[1]).toMatch(/\|h\.\.llo"\}\|$/);
  });

  it('decodes base64 binary frames and survives bad base64', () => {
    expect([...base64ToBytes('AAH/')]).toEqual([0, 1, 255]);
    expect(base64ToBytes('%%%')).toHaveLength(0);
    expect(hexDump(base64ToBytes('AAH/')).lines[0]).toMatch(/^00000000 {2}00 01 ff {2}/);
  });

  it('cuts very large payloads', () => {
    const r = hexDump(new Uint8Array(1000), 64);
    expect(r.lines).toHaveLength(4);
    expect(r.truncated).toBe(true);
  });
});
