import { describe, expect, it } from 'vitest';
import { socketIoPacket } from '../../../src/core/protocols/socketio';
import { analyze } from './analyze';

describe('Socket.IO over WebSocket', () => {
  it('parses Socket.IO packets: namespace, ack id, binary attachments', () => {
    expect(socketIoPacket('2/chat,7["ev",1]')).toEqual({ type: 2, nsp: '/chat', ack: '7', data: ['ev', 1] });
    expect(socketIoPacket('31[{"ok":true}]')).toEqual({ type: 3, nsp: '/', ack: '1', data: [{ ok: true }] });
    expect(socketIoPacket('51-["up",{"_placeholder":true,"num":0}]')).toMatchObject({ type: 5, data: ['up', { _placeholder: true, num: 0 }] });
    expect(socketIoPacket('0')).toEqual({ type: 0, nsp: '/' });
    expect(socketIoPacket('2[oops').bad).toBeDefined();
  });

  it('recognizes the session, heartbeats, acks, tokens and recovery offsets', () => {
    const a = analyze('socketio', 'chat.json');
    expect(a.rec).toMatchObject({ protocol: 'socketio', name: 'Socket.IO', guess: false });
    expect(a.text).toBe('Hello été there');
    expect(a.of('heartbeat')).toHaveLength(2);
    expect(a.of('control').map((c) => c.name)).toEqual(['connect', 'ask']);
    expect(a.of('finish')).toHaveLength(1);
    expect(a.rec.handles.filter((h) => h.kind === 'session-id').map((h) => h.value)).toEqual(['zQ1oA9x2Lk3bT0AAAB', 'mBq9X2hT6nQ8', 'a7RHtqK3Wb0AAAAC']);
    expect(a.rec.handles.filter((h) => h.kind === 'offset').map((h) => h.value)).toEqual(['1700000000000-0', '1700000000001-0', '1700000000002-0', '1700000000003-0']);
    expect(a.rec.handles.filter((h) => h.kind === 'sequence').map((h) => h.value)).toEqual(['1', '2', '3', '4']);
  });

  it('sees a client resume with pid and offset', () => {
    const a = analyze('socketio', 'resume.json');
    const resume = a.of('control').find((c) => c.name === 'resume')!;
    expect(resume.handles).toEqual([{ kind: 'session-id', value: 'mBq9X2hT6nQ8' }, { kind: 'offset', value: '1700000000001-0' }]);
    expect(a.text).toBe(' there');
  });

  it('sees an explicit client cancel, the server cancel and a connect error', () => {
    const a = analyze('socketio', 'cancel.json');
    expect(a.of('control').map((c) => c.name)).toEqual(['connect', 'cancel']);
    expect(a.of('cancel')[0]!.reason).toBe('cancelled');
    expect(a.of('error')[0]!.message).toBe('session expired');
    expect(a.out.messages[0]).toMatchObject({ text: 'Working', cancelled: true });
  });
});
