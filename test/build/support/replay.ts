/**
 * Recorded AWS responses served on 127.0.0.1, for the APIs moto does not serve (QuickSight's
 * subscription, IAM Access Analyzer) and for answers moto cannot give (a Kinesis quota below the
 * reference lake's shards). The responses are JSON files in test/build/recorded/, each saying
 * where its shape comes from; a test decides which one answers each request and sees every
 * request the SDK made. Point a client at it with `AWS_ENDPOINT_URL_<SERVICE>`.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface ReplayRequest {
  readonly method: string;
  readonly path: string;
  /** JSON protocols' `X-Amz-Target` (`Kinesis_20131202.DescribeLimits`). */
  readonly target?: string;
  readonly body: string;
}

export interface ReplayAnswer {
  readonly status?: number;
  /** A file of test/build/recorded/ (its `//` member is left out). */
  readonly recorded: string;
  /** The AWS error type of a 4xx answer (`x-amzn-ErrorType`). */
  readonly errorType?: string;
}

export function recorded(name: string): Record<string, unknown> {
  const { '//': _source, ...body } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'recorded', name), 'utf8')) as Record<string, unknown>;
  return body;
}

export async function startReplay(answer: (r: ReplayRequest) => ReplayAnswer | undefined): Promise<{ url: string; requests: ReplayRequest[]; close(): Promise<void> }> {
  const requests: ReplayRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      const r: ReplayRequest = { method: req.method ?? '', path: req.url ?? '', ...(typeof target === 'string' ? { target } : {}), body };
      requests.push(r);
      const a = answer(r);
      if (a === undefined) {
        res.writeHead(501, { 'content-type': 'application/json', 'x-amzn-errortype': 'NotRecorded' }).end(JSON.stringify({ message: `no recorded response for ${r.method} ${r.path} ${r.target ?? ''}` }));
        return;
      }
      const headers: Record<string, string> = { 'content-type': target !== undefined ? 'application/x-amz-json-1.1' : 'application/json', 'x-amzn-requestid': 'replay' };
      if (a.errorType !== undefined) headers['x-amzn-errortype'] = a.errorType;
      res.writeHead(a.status ?? 200, headers).end(JSON.stringify(recorded(a.recorded)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
