/**
 * Kinesis' shard write limits in front of a local Kinesis server. Neither kinesalite nor moto
 * nor kinesis-mock throttles writes (their PutRecords sources accept everything), so this proxy,
 * on 127.0.0.1, does what Kinesis documents for a provisioned shard: at most 1,000 records and
 * 1 MiB per second of writes, and a PutRecords request whose records exceed a shard's budget is
 * answered with HTTP 200, `FailedRecordCount`, and for each refused record
 * `ErrorCode: ProvisionedThroughputExceededException` with Kinesis' message; the accepted
 * records are written to the server behind it. Every other request passes through unchanged.
 * A record's shard is found as Kinesis finds it: the MD5 of its partition key (or its
 * ExplicitHashKey) as a 128-bit number, within the shard's hash key range.
 */
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export interface ThrottleOptions {
  /** The server behind the proxy. */
  readonly target: { readonly host: string; readonly port: number };
  readonly recordsPerSecond?: number;
  readonly bytesPerSecond?: number;
}

export interface ThrottleStats {
  putRequests: number;
  accepted: number;
  throttled: number;
}

interface Shard {
  readonly id: string;
  readonly start: bigint;
  readonly end: bigint;
  /** Budget used in the current second. */
  second: number;
  records: number;
  bytes: number;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(o: ThrottleOptions, req: Pick<IncomingMessage, 'headers' | 'method' | 'url'>, payload: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, 'content-length': String(payload.length), host: `${o.target.host}:${o.target.port}` };
    const r = request({ host: o.target.host, port: o.target.port, method: req.method, path: req.url, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(payload);
  });
}

export async function startThrottle(o: ThrottleOptions): Promise<{ server: Server; port: number; stats: ThrottleStats; close: () => Promise<void> }> {
  const perRecords = o.recordsPerSecond ?? 1000;
  const perBytes = o.bytesPerSecond ?? 1024 * 1024;
  const stats: ThrottleStats = { putRequests: 0, accepted: 0, throttled: 0 };
  const shards = new Map<string, Shard[]>();

  const shardsOf = async (req: IncomingMessage, stream: string): Promise<Shard[]> => {
    const known = shards.get(stream);
    if (known !== undefined) return known;
    const list = Buffer.from(JSON.stringify({ StreamName: stream }));
    const r = await forward(o, { headers: { ...req.headers, 'x-amz-target': 'Kinesis_20131202.ListShards' }, method: 'POST', url: '/' }, list);
    const parsed = JSON.parse(r.body.toString('utf8')) as { Shards?: { ShardId: string; HashKeyRange: { StartingHashKey: string; EndingHashKey: string }; SequenceNumberRange: { EndingSequenceNumber?: string } }[] };
    const open = (parsed.Shards ?? []).filter((s) => s.SequenceNumberRange.EndingSequenceNumber === undefined);
    const out = open.map((s) => ({ id: s.ShardId, start: BigInt(s.HashKeyRange.StartingHashKey), end: BigInt(s.HashKeyRange.EndingHashKey), second: 0, records: 0, bytes: 0 }));
    shards.set(stream, out);
    return out;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const payload = await body(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target !== 'Kinesis_20131202.PutRecords') {
        const r = await forward(o, req, payload);
        res.writeHead(r.status, r.headers);
        res.end(r.body);
        return;
      }
      stats.putRequests++;
      const input = JSON.parse(payload.toString('utf8')) as { StreamName?: string; StreamARN?: string; Records: { Data: string; PartitionKey: string; ExplicitHashKey?: string }[] };
      const stream = input.StreamName ?? input.StreamARN!.slice(input.StreamARN!.indexOf(':stream/') + 8);
      const list = await shardsOf(req, stream);
      const second = Math.floor(Date.now() / 1000);
      const decisions = input.Records.map((rec) => {
        const hash = rec.ExplicitHashKey !== undefined ? BigInt(rec.ExplicitHashKey) : BigInt(`0x${createHash('md5').update(rec.PartitionKey, 'utf8').digest('hex')}`);
        const shard = list.find((s) => hash >= s.start && hash <= s.end);
        if (shard === undefined) return { ok: true as const };
        if (shard.second !== second) {
          shard.second = second;
          shard.records = 0;
          shard.bytes = 0;
        }
        const bytes = Buffer.from(rec.Data, 'base64').length + Buffer.byteLength(rec.PartitionKey);
        if (shard.records + 1 > perRecords || shard.bytes + bytes > perBytes) return { ok: false as const, shard: shard.id };
        shard.records++;
        shard.bytes += bytes;
        return { ok: true as const };
      });
      const accepted = input.Records.filter((_, i) => decisions[i]!.ok);
      let results: ({ SequenceNumber: string; ShardId: string } | { ErrorCode: string; ErrorMessage: string })[] = [];
      if (accepted.length > 0) {
        const r = await forward(o, req, Buffer.from(JSON.stringify({ ...input, Records: accepted })));
        if (r.status !== 200) {
          res.writeHead(r.status, r.headers);
          res.end(r.body);
          return;
        }
        results = (JSON.parse(r.body.toString('utf8')) as { Records: typeof results }).Records;
      }
      let next = 0;
      const merged = decisions.map((d) =>
        d.ok ? results[next++]! : { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: `Rate exceeded for shard ${d.shard} in stream ${stream} under account 000000000000.` },
      );
      const failed = decisions.filter((d) => !d.ok).length;
      stats.accepted += accepted.length;
      stats.throttled += failed;
      const out = Buffer.from(JSON.stringify({ FailedRecordCount: failed, Records: merged }));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(out.length), 'x-amzn-requestid': `throttle-${stats.putRequests}` });
      res.end(out);
    })().catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, port, stats, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
