/** Worker-thread entry of the local pool: analyses the images it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer, type AnalyzerSetup } from './analyzer-setup.js';
import { encodeResult } from './face-record.js';

export interface PoolTask {
  file: string;
  key: string;
}

const port = parentPort;
if (!port) throw new Error('pool-worker must run in a worker thread');
const analyzer = await createAnalyzer(workerData as AnalyzerSetup);
port.on('message', (task: PoolTask) => {
  void analyzer.analyzeFile(task.file, task.key).then((r) => port.postMessage(encodeResult(r)));
});
port.postMessage('ready');
