// Starts a partition worker from the TypeScript sources (tests, and generated projects that run
// the runtime through tsx): Node 20 workers ignore `--import tsx` in execArgv, so the worker
// registers tsx itself before loading worker.ts. The lakec CLI runs a bundled worker instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
