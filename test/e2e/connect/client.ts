/**
 * The page client for the Connect e2e test: connect-web's own transports calling
 * `chat.v1.ChatService/Generate` on the page's origin, as a chat page built on Connect would.
 * Returns the text the client decoded, and the error it raised, for the test to compare with
 * what the panel shows.
 */
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import { ChatService } from '../../fixtures/protocols/connect/gen/chat/v1/chat_pb';

export type Wire = 'connect-json' | 'connect-proto' | 'grpc-web-json' | 'grpc-web-proto';

function transport(wire: Wire): Transport {
  const baseUrl = location.origin;
  switch (wire) {
    case 'connect-json':
      return createConnectTransport({ baseUrl, useBinaryFormat: false });
    case 'connect-proto':
      return createConnectTransport({ baseUrl, useBinaryFormat: true });
    case 'grpc-web-json':
      return createGrpcWebTransport({ baseUrl, useBinaryFormat: false });
    case 'grpc-web-proto':
      return createGrpcWebTransport({ baseUrl, useBinaryFormat: true });
  }
}

async function connectChat(wire: Wire, failAfter: number): Promise<{ text: string; error: string | null }> {
  const chat = createClient(ChatService, transport(wire));
  let text = '';
  try {
    for await (const m of chat.generate({ prompt: 'Can a Connect stream resume?', failAfter })) text += m.text;
  } catch (err) {
    const e = ConnectError.from(err);
    return { text, error: `${Code[e.code]}: ${e.rawMessage}` };
  }
  return { text, error: null };
}

(window as unknown as { connectChat: typeof connectChat }).connectChat = connectChat;
