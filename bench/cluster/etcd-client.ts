// etcd-client.ts: a thin etcd v3 gRPC client over one HTTP/2 connection (node:http2, plaintext
// h2c as etcd's default listener): KV.Put and KV.Range with hand-encoded protobuf (bytes fields
// and one bool only) and gRPC's 5-byte message framing. A call succeeds when its trailers carry
// `grpc-status: 0`; a Put that succeeded is committed (etcd answers after the Raft commit + apply).
import { type ClientHttp2Session, connect, constants } from 'node:http2';

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** field encodes a length-delimited protobuf field. */
function bytesField(fieldNumber: number, bytes: Uint8Array): Uint8Array {
  const head = [...varint((fieldNumber << 3) | 2), ...varint(bytes.length)];
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head, 0);
  out.set(bytes, head.length);
  return out;
}

function grpcFrame(parts: readonly Uint8Array[]): Buffer {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const frame = Buffer.allocUnsafe(5 + length);
  frame[0] = 0;
  frame.writeUInt32BE(length, 1);
  let offset = 5;
  for (const p of parts) {
    frame.set(p, offset);
    offset += p.length;
  }
  return frame;
}

/** encodePut is etcdserverpb.PutRequest {key = 1, value = 2}, framed for gRPC. */
export function encodePut(key: Uint8Array, value: Uint8Array): Buffer {
  return grpcFrame([bytesField(1, key), bytesField(2, value)]);
}

/** encodeRange is etcdserverpb.RangeRequest {key = 1, serializable = 7}, framed for gRPC. */
export function encodeRange(key: Uint8Array, serializable: boolean): Buffer {
  const serializableTrue = new Uint8Array([(7 << 3) | 0, 1]);
  return grpcFrame(serializable ? [bytesField(1, key), serializableTrue] : [bytesField(1, key)]);
}

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE } =
  constants;

/** EtcdClient sends unary gRPC calls over one HTTP/2 session. */
export class EtcdClient {
  private readonly session: ClientHttp2Session;

  constructor(
    readonly endpoint: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.session = connect(endpoint);
    this.session.on('error', () => {});
  }

  put(key: Uint8Array, value: Uint8Array): Promise<boolean> {
    return this.call('/etcdserverpb.KV/Put', encodePut(key, value));
  }

  range(key: Uint8Array, serializable: boolean): Promise<boolean> {
    return this.call('/etcdserverpb.KV/Range', encodeRange(key, serializable));
  }

  /** call resolves true on grpc-status 0; rejects with the status/message otherwise. */
  call(path: string, body: Buffer): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const stream = this.session.request({
        [HTTP2_HEADER_METHOD]: 'POST',
        [HTTP2_HEADER_PATH]: path,
        [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
        [HTTP2_HEADER_TE]: 'trailers',
      });
      let status: string | undefined;
      let message: string | undefined;
      const take = (headers: Record<string, unknown>): void => {
        if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
        if (headers['grpc-message'] !== undefined) message = String(headers['grpc-message']);
      };
      stream.setTimeout(this.timeoutMs, () => stream.close(constants.NGHTTP2_CANCEL));
      stream.on('response', take);
      stream.on('trailers', take);
      stream.on('data', () => {});
      stream.on('error', (error) => reject(error));
      stream.on('close', () => {
        if (status === '0') resolve(true);
        else reject(new Error(`etcd ${path}: grpc-status ${status ?? 'none'} ${message ?? ''}`));
      });
      stream.end(body);
    });
  }

  close(): void {
    this.session.close();
  }
}
