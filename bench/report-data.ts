/**
 * The data of the bench report: what `bench/report.ts` makes of the JSON
 * results and embeds in the page as JSON, and what the page's modules
 * (`report-page.ts` and those it imports) draw. Types only.
 */

export interface RunInfo {
  commit: string;
  date: string;
  node: string;
  quick: boolean;
}

/** The lowest and highest of a figure over the rounds it was taken in. */
export interface Spread {
  min: number;
  max: number;
}

export interface Figure {
  sluice: number;
  peer: number;
  ratio: number;
  target?: number | undefined;
  sluiceSpread?: Spread | undefined;
  peerSpread?: Spread | undefined;
}

export interface ReportRow {
  name: string;
  peerName: string;
  unit: string;
  /** One per run, oldest first; null where that run had no such row. */
  figures: (Figure | null)[];
}

export interface ScalingMetric {
  /** The row name without its connection count, e.g. "lengthPrefixed frames". */
  name: string;
  unit: string;
  peerName: string;
  points: {
    connections: number;
    sluice: number;
    peer: number;
    ratio: number;
    sluiceSpread?: Spread | undefined;
    peerSpread?: Spread | undefined;
  }[];
}

export interface ReportData {
  /** Oldest first; the last is the run the report is about. */
  runs: RunInfo[];
  suites: { title: string; rows: ReportRow[] }[];
  scaling: ScalingMetric[];
}
