/**
 * A fake of the two Managed Service for Apache Flink API calls the Flink control function scales
 * with (DescribeApplication, UpdateApplication) and the one it starts with (StartApplication), on
 * 127.0.0.1, in the service's JSON protocol. A FAKE, not moto: moto 5.2 serves kinesisanalyticsv2
 * CreateApplication, DescribeApplication and ListApplications only, so the calls that change an
 * application cannot be run against it. It keeps each application's status, version id and
 * parallelism as the API describes them, refuses an update at a version id that is not the
 * current one (ConcurrentModificationException), and records every call.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeApplication {
  status: string;
  versionId: number;
  parallelism: number;
  parallelismPerKpu: number;
  autoScaling: boolean;
  /** Statuses the next describes report before `status` (an update in progress, say). */
  pending: string[];
  /** The next update finds the version moved on (another change landed first). */
  concurrentChange?: boolean;
}

export interface FlinkFake {
  readonly endpoint: string;
  readonly applications: Map<string, FakeApplication>;
  readonly calls: { operation: string; input: any }[];
  close(): Promise<void>;
}

export async function startFlinkFake(): Promise<FlinkFake> {
  const applications = new Map<string, FakeApplication>();
  const calls: { operation: string; input: any }[] = [];
  const detail = (name: string, a: FakeApplication, status: string): unknown => ({
    ApplicationDetail: {
      ApplicationName: name,
      ApplicationARN: `arn:aws:kinesisanalytics:us-east-1:123456789012:application/${name}`,
      ApplicationStatus: status,
      ApplicationVersionId: a.versionId,
      RuntimeEnvironment: 'FLINK-2_2',
      ApplicationConfigurationDescription: {
        FlinkApplicationConfigurationDescription: {
          ParallelismConfigurationDescription: { ConfigurationType: 'CUSTOM', Parallelism: a.parallelism, ParallelismPerKPU: a.parallelismPerKpu, CurrentParallelism: a.parallelism, AutoScalingEnabled: a.autoScaling },
        },
      },
    },
  });
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.replace(/^KinesisAnalytics_20180523\./, '');
      const input = JSON.parse(body || '{}') as Record<string, any>;
      calls.push({ operation, input });
      const send = (status: number, out: unknown, error?: string): void => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(error !== undefined ? { 'x-amzn-errortype': error } : {}) }).end(JSON.stringify(out));
      };
      const fail = (type: string, message: string): void => send(400, { __type: type, message }, type);
      const a = applications.get(String(input['ApplicationName']));
      if (!target.startsWith('KinesisAnalytics_20180523.')) return fail('UnknownOperationException', `not a Managed Flink call: ${target}`);
      if (a === undefined) return fail('ResourceNotFoundException', `Application ${input['ApplicationName']} not found`);
      const name = String(input['ApplicationName']);
      switch (operation) {
        case 'DescribeApplication':
          return send(200, detail(name, a, a.pending.shift() ?? a.status));
        case 'UpdateApplication': {
          if (a.concurrentChange === true) {
            a.concurrentChange = false;
            a.versionId++;
          }
          if (input['CurrentApplicationVersionId'] !== a.versionId) return fail('ConcurrentModificationException', `the current version of ${name} is ${a.versionId}, not ${input['CurrentApplicationVersionId']}`);
          if (a.status !== 'RUNNING' && a.status !== 'READY') return fail('ResourceInUseException', `${name} is ${a.status}`);
          const p = input['ApplicationConfigurationUpdate']?.FlinkApplicationConfigurationUpdate?.ParallelismConfigurationUpdate ?? {};
          if (p.ConfigurationTypeUpdate === 'CUSTOM') {
            if (p.ParallelismUpdate !== undefined) a.parallelism = p.ParallelismUpdate;
            if (p.ParallelismPerKPUUpdate !== undefined) a.parallelismPerKpu = p.ParallelismPerKPUUpdate;
            if (p.AutoScalingEnabledUpdate !== undefined) a.autoScaling = p.AutoScalingEnabledUpdate;
          }
          a.versionId++;
          return send(200, detail(name, a, a.status === 'RUNNING' ? 'UPDATING' : a.status));
        }
        case 'StartApplication':
          if (a.status !== 'READY') return fail('ResourceInUseException', `${name} is ${a.status}`);
          a.status = 'RUNNING';
          return send(200, { OperationId: `start-${calls.length}` });
        default:
          return fail('UnknownOperationException', `the fake does not serve ${operation}`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, applications, calls, close: () => new Promise((r) => server.close(() => r())) };
}
