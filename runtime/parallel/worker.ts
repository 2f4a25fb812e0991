/**
 * A partition worker: runs one `Partition` on its own thread. Messages arrive in order, so a
 * checkpoint request is answered after every batch sent before it (the barrier of Flink's
 * aligned checkpoints, for free).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CheckpointStore } from '../checkpoint/store.ts';
import { Partition } from '../partition.ts';
import type { Position, RecordBatch } from '../sources/source.ts';
import { WarehouseError } from '../sink/duckdb.ts';
import type { FromWorker, ToWorker, WireBatch, WorkerInit } from './protocol.ts';

function toBatch(w: WireBatch): RecordBatch {
  const p = w.positions;
  const position: (i: number) => Position = p.kind === 'lines' ? (i) => ({ file: p.file, line: p.lines[i]! }) : (i) => p.list[i]!;
  return { texts: w.texts, ...(w.unreadable !== undefined ? { unreadable: w.unreadable } : {}), ingestionTime: w.ingestionTime, position };
}

if (parentPort !== null) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const partition = new Partition(init.spec, {
    partition: init.partition,
    partitions: init.partitions,
    stagingDir: init.stagingDir,
    ...(init.dedupWindow !== undefined ? { dedupWindow: init.dedupWindow } : {}),
    ...(init.core !== undefined ? { core: init.core } : {}),
  });
  const send = (m: FromWorker): void => port.postMessage(m);
  port.on('message', (m: ToWorker) => {
    try {
      switch (m.type) {
        case 'restoreState':
          partition.restoreState(new CheckpointStore(m.dir), m.id);
          send({ type: 'stateRestored' });
          break;
        case 'restoreRows':
          partition.restoreRows(m.rows);
          send({ type: 'processed' });
          break;
        case 'finishRestore':
          partition.finishRestore();
          send({ type: 'restored', keys: partition.keyCount });
          break;
        case 'batch':
          partition.process(toBatch(m.batch));
          send({ type: 'processed' });
          break;
        case 'checkpoint':
          send({ type: 'checkpointed', result: partition.checkpoint(m.checkpointTmp, m.full) });
          break;
        case 'stop':
          port.close();
          break;
      }
    } catch (e) {
      if (e instanceof WarehouseError) send({ type: 'failed', message: e.message, warehouse: true });
      else send({ type: 'failed', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
    }
  });
  send({ type: 'ready' });
}
