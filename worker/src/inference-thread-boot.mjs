// Worker threads do not inherit the parent's `--import tsx` module hooks (Node 20), so the
// inference thread starts here, in plain JavaScript, and imports its TypeScript entry through tsx.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
