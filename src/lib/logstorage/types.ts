// The contract between the log storage (this folder), the log ingestion
// parsers (lib/protoparser/logs) and the LogsQL engine (lib/logsql).
// Implementations may add members; the ones here keep their meaning.

/** A tenant: the (AccountID, ProjectID) pair from the request headers; 0:0 by default. */
export interface TenantID {
  readonly accountID: number;
  readonly projectID: number;
}

/** One field of a log entry. Nested objects arrive flattened with "." by the parsers. */
export interface LogField {
  name: string;
  value: string;
}

/**
 * Where parsers put log entries. `timestampNs` is nanoseconds since the
 * epoch; `fields` are flat and may include `_msg` (the parser has already
 * applied `_msg_field`/`_time_field`, ignore/extra fields and decolorizing).
 * `streamFields` names the fields whose values identify the entry's stream
 * (empty: the stream `{}`). The sink copies what it keeps: callers may reuse
 * `fields` and its objects after the call returns.
 */
export interface LogRowsSink {
  addRow(
    tenant: TenantID,
    timestampNs: bigint,
    fields: readonly LogField[],
    streamFields: readonly string[],
  ): void;
}

/**
 * A block of log rows of one stream and one tenant, sorted by time, as the
 * storage hands it to a search. Columns are decoded lazily: cheap checks
 * (`constValue`, `numericRange`, `mayContainTokens`) come from the block and
 * column headers without reading values.
 */
export interface LogBlock {
  readonly rowsCount: number;
  readonly tenant: TenantID;
  /** The stream id as 32 lowercase hex characters (the `_stream_id` field). */
  readonly streamID: string;
  /** The canonical stream, `{a="b",c="d"}` with names sorted (the `_stream` field). */
  readonly stream: string;
  readonly minTimestamp: bigint;
  readonly maxTimestamp: bigint;
  /** Timestamps in nanoseconds, ascending, one per row. */
  timestamps(): BigInt64Array;
  /** Names of the stored columns of the block (`_msg` included when present; `_time`, `_stream`, `_stream_id` never). */
  columnNames(): readonly string[];
  /** Every row's value of the column, "" where the row lacks it (also for an unknown column). Cached per block. */
  columnValues(name: string): readonly string[];
  /** The value every row has in this column ("" for a column the block lacks), or undefined when rows differ. */
  constValue(name: string): string | undefined;
  /**
   * False only when the column's bloom filter (or its dictionary / const
   * value) proves that no row of the block contains every one of `tokens`
   * (tokens as `tokenize` makes them). True means "maybe": check the values.
   */
  mayContainTokens(name: string, tokens: readonly string[]): boolean;
  /** Min and max when every value of the column in the block is a number (uint, int or float column), else undefined. */
  numericRange(name: string): { min: number; max: number } | undefined;
  /**
   * For a column stored as plain strings: its unpacked bytes, row i's UTF-8
   * value being data[offs[i], offs[i + 1]) (offs has rowsCount + 1 entries).
   * Undefined for other columns (optional: blocks may not offer it).
   */
  stringColumnBytes?(name: string): { data: Buffer; offs: Uint32Array } | undefined;
  /** The values of rows idx of the column (as columnValues(name)[idx[j]]), decoding only those rows where it can (optional). */
  columnValuesAt?(name: string, idx: Uint32Array): string[];
  /** For a dict column: row i's value is dict[idx[i]]. Undefined for other columns (optional). */
  dictColumn?(name: string): { dict: readonly string[]; idx: Uint8Array } | undefined;
}

/** What a search reads. Time bounds are inclusive, in nanoseconds. */
export interface SearchOptions {
  readonly tenants: readonly TenantID[];
  readonly minTimestamp: bigint;
  readonly maxTimestamp: bigint;
  /**
   * When set, only streams for which it returns true are read. It is called
   * at most once per stream and search, with the stream's tags sorted by name.
   */
  readonly streamFilter?: (tags: readonly LogField[]) => boolean;
  /** Stops the search early (the connection closed, the timeout passed). */
  readonly signal?: AbortSignal;
}

/** One stream known to the index. */
export interface StreamInfo {
  readonly tenant: TenantID;
  readonly streamID: string;
  readonly stream: string;
  readonly tags: readonly LogField[];
}

/** A request's worth of rows, filled through the LogRowsSink methods. */
export interface LogRowsBatch extends LogRowsSink {
  /** Rows added so far. */
  readonly rowsCount: number;
}

/** The write side of the log storage as the ingestion handlers see it. */
export interface LogIngester {
  /** A new, empty batch. */
  newBatch(): LogRowsBatch;
  /**
   * Stores the batch: on return the rows are durable (written to the
   * write-ahead log: they survive kill -9) and they become searchable within
   * about a second. Rows outside the retention window are dropped and
   * counted. Returns how many rows were stored.
   */
  commit(batch: LogRowsBatch): number;
}

/** The read side of the log storage as the query engine sees it. */
export interface LogSearcher {
  /**
   * Calls onBlock for every block that may hold rows of the selected
   * tenants, streams and time range (the block's rows may still fall partly
   * outside the range: filter by timestamps). onBlock returning false stops
   * the search. The block is valid only during the call.
   */
  search(opts: SearchOptions, onBlock: (block: LogBlock) => boolean | void): Promise<void>;
  /** Streams with rows in the time range, filtered like search. */
  streams(opts: SearchOptions): Promise<StreamInfo[]>;
}
