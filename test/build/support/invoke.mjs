// Runs a bundled Lambda function's handler once, in this process, as Lambda would: reads
// { bundle, event, timeoutMs, functionArn } as JSON on stdin, requires the CommonJS bundle, calls
// `handler(event, context)` with a context whose remaining time counts down from the function's
// timeout (or the test's `timeoutMs`) and whose ARN is `functionArn` (or a stand-in's), prints
// { result } or { error } as JSON on stdout and exits. The AWS SDK inside the bundle takes its
// endpoint and credentials from the environment the test gives this process.
import { createRequire } from 'node:module';
import { format } from 'node:util';

// What the handler logs goes where Lambda sends it (its log stream), not into the result.
for (const level of ['log', 'info', 'warn', 'error', 'debug']) console[level] = (...args) => process.stderr.write(`${format(...args)}\n`);

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const { bundle, event, timeoutMs = 300000, functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:test' } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const started = Date.now();
const context = { getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started), awsRequestId: 'test-request', functionName: functionArn.split(':').at(-1), invokedFunctionArn: functionArn };
let out;
try {
  const { handler } = createRequire(import.meta.url)(bundle);
  if (typeof handler !== 'function') throw new Error(`${bundle} exports no handler`);
  const result = await handler(event, context);
  out = { result };
} catch (error) {
  out = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
// Lambda freezes the function once its handler's promise settles, whatever is still pending (a
// call that never answered): so does this process.
process.stdout.write(JSON.stringify(out), () => process.exit(0));
