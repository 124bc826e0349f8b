// The worker thread of RollupWorkerPool: runs each job it is sent and
// answers with the result, moving its buffers back. Its modules load through
// Node's compile cache (as the main thread's do), so that a worker starts in
// tens of milliseconds when the first heavy query needs it.

import * as nodeModule from "node:module";

nodeModule.enableCompileCache?.();
const { serveJobs } = await import("../workerpool/index.ts");
const { runRollupJob, rollupResultTransfer } = await import("./rollup_workers.ts");
serveJobs(runRollupJob, rollupResultTransfer);
