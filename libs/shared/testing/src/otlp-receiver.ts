import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A span as an OTLP/HTTP exporter sent it, with the service (resource) that sent it. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Absent on a trace's root. */
  parentSpanId?: string;
  name: string;
  /** OTLP's numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

export const OtlpSpanKind = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/**
 * An OTLP/HTTP collector on loopback for tests: takes protobuf trace
 * exports on /v1/traces (what @opentelemetry/exporter-trace-otlp-proto
 * sends) and keeps their spans. Point services at it with
 * OTEL_EXPORTER_OTLP_ENDPOINT=receiver.url.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        try {
          const body = Buffer.concat(chunks);
          this.spans.push(...decodeTraceExport(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body));
          // An empty ExportTraceServiceResponse: all accepted.
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        } catch (err) {
          res.writeHead(400).end(String(err));
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it (the exporter adds /v1/traces). */
  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface Field {
  no: number;
  /** A varint's value, or the bytes of a length-delimited or fixed field. */
  value: bigint | Buffer;
}

/** The fields of one protobuf message, in order (the wire format; no schema needed). */
function fieldsOf(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  const take = (n: number) => {
    if (pos + n > buf.length) throw new RangeError('truncated protobuf');
    const bytes = buf.subarray(pos, pos + n);
    pos += n;
    return bytes;
  };
  const varint = () => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = take(1)[0];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const no = tag >>> 3;
    switch (tag & 7) {
      case 0:
        fields.push({ no, value: varint() });
        break;
      case 1:
        fields.push({ no, value: take(8) });
        break;
      case 2:
        fields.push({ no, value: take(Number(varint())) });
        break;
      case 5:
        fields.push({ no, value: take(4) });
        break;
      default:
        throw new RangeError(`protobuf wire type ${tag & 7} not supported`);
    }
  }
  return fields;
}

const bytesOf = (fields: Field[], no: number): Buffer[] => fields.filter((f) => f.no === no && Buffer.isBuffer(f.value)).map((f) => f.value as Buffer);
const varintOf = (fields: Field[], no: number): bigint | undefined => fields.find((f) => f.no === no && typeof f.value === 'bigint')?.value as bigint | undefined;

/** KeyValue list: string, bool, int and double values (what our spans carry). */
function attributesOf(keyValues: Buffer[]): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const kv of keyValues) {
    const fields = fieldsOf(kv);
    const key = bytesOf(fields, 1)[0]?.toString('utf8');
    const any = bytesOf(fields, 2)[0];
    if (key === undefined || any === undefined) continue;
    const [value] = fieldsOf(any);
    if (!value) continue;
    if (value.no === 1 && Buffer.isBuffer(value.value)) attributes[key] = value.value.toString('utf8');
    else if (value.no === 2 && typeof value.value === 'bigint') attributes[key] = value.value !== 0n;
    else if (value.no === 3 && typeof value.value === 'bigint') attributes[key] = Number(BigInt.asIntN(64, value.value));
    else if (value.no === 4 && Buffer.isBuffer(value.value)) attributes[key] = value.value.readDoubleLE(0);
  }
  return attributes;
}

/** The spans of an ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1). */
export function decodeTraceExport(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of bytesOf(fieldsOf(body), 1)) {
    const rs = fieldsOf(resourceSpans);
    const resource = bytesOf(rs, 1)[0];
    const service = String(attributesOf(resource ? bytesOf(fieldsOf(resource), 1) : [])['service.name'] ?? '');
    for (const scopeSpans of bytesOf(rs, 2)) {
      for (const spanBytes of bytesOf(fieldsOf(scopeSpans), 2)) {
        const span = fieldsOf(spanBytes);
        const parent = bytesOf(span, 4)[0];
        const status = bytesOf(span, 15)[0];
        spans.push({
          service,
          traceId: bytesOf(span, 1)[0]?.toString('hex') ?? '',
          spanId: bytesOf(span, 2)[0]?.toString('hex') ?? '',
          ...(parent && parent.length > 0 ? { parentSpanId: parent.toString('hex') } : {}),
          name: bytesOf(span, 5)[0]?.toString('utf8') ?? '',
          kind: Number(varintOf(span, 6) ?? 0n),
          attributes: attributesOf(bytesOf(span, 9)),
          statusCode: status ? Number(varintOf(fieldsOf(status), 3) ?? 0n) : 0,
        });
      }
    }
  }
  return spans;
}
