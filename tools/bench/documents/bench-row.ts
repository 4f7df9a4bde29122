/** One row of the documents benchmark's table. */
export interface BenchRow {
  workload: string;
  /** What was processed: "200 pages", "8 patterns". */
  units: string;
  seconds: number;
  /** The throughput in the row's own unit: "35.2 pages/s", "1.9 patterns/min". */
  rate: string;
  notes: string;
}
