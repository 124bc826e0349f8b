// Package workerpool: jobs on worker threads (WorkerPool) and the worker side
// that answers them (serveJobs).

export { WorkerPool, type WorkerPoolOptions } from "./worker_pool.ts";
export { serveJobs } from "./serve.ts";
