// What the CloudWatch subset reads: metric series of statistic sets (one per minute here), and
// CloudWatch's arithmetic over them (Amazon CloudWatch User Guide, "CloudWatch concepts",
// "Statistics" and "Periods"; API Reference, GetMetricStatistics): the datapoints whose time falls
// in a period are combined — Sum and SampleCount add up, Minimum and Maximum are the extremes,
// Average is Sum / SampleCount — and each period is labelled with its start. Periods start at
// the request's StartTime rounded down as CloudWatch rounds it (to the minute for data less than
// 15 days old, to 5 minutes up to 63 days, to the hour beyond).
// Not emulated: percentiles and the other extended statistics (statistic sets do not keep the
// values they need), high-resolution (sub-minute) data.

export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

/** CloudWatch's statistic set: what a period of datapoints is reduced to. */
export interface StatisticSet {
  readonly sampleCount: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

export interface Datapoint extends StatisticSet {
  /** Epoch ms of the datapoint (the start of its minute). */
  readonly time: number;
}

export interface MetricSeries {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
  /** A CloudWatch StandardUnit: Count, Bytes, Percent, Milliseconds, None… */
  readonly unit: string;
  /** Oldest first. */
  readonly points: readonly Datapoint[];
}

/** Where the series come from, read at each call (metrics from the edge: src/observe/cloudfront-series.ts). */
export type MetricSource = () => readonly MetricSeries[];

export const STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;
export type Statistic = (typeof STATISTICS)[number];

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** StartTime as CloudWatch rounds it, from the age of the data asked for. */
export function roundStart(start: number, now: number): number {
  const age = now - start;
  const unit = age <= 15 * DAY_MS ? MINUTE_MS : age <= 63 * DAY_MS ? 5 * MINUTE_MS : 60 * MINUTE_MS;
  return Math.floor(start / unit) * unit;
}

/**
 * The statistic set of each period in [start, end) that has datapoints, oldest first;
 * `start` already rounded, `periodMs` > 0.
 */
export function aggregate(points: readonly Datapoint[], start: number, end: number, periodMs: number): Array<{ time: number; set: StatisticSet }> {
  const out: Array<{ time: number; sampleCount: number; sum: number; min: number; max: number }> = [];
  for (const p of points) {
    if (p.time < start || p.time >= end) continue;
    const time = start + Math.floor((p.time - start) / periodMs) * periodMs;
    let last = out[out.length - 1];
    if (last === undefined || last.time !== time) out.push((last = { time, sampleCount: 0, sum: 0, min: Infinity, max: -Infinity }));
    last.sampleCount += p.sampleCount;
    last.sum += p.sum;
    if (p.min < last.min) last.min = p.min;
    if (p.max > last.max) last.max = p.max;
  }
  return out.map(({ time, ...set }) => ({ time, set }));
}

/** One statistic of a statistic set. */
export function statisticOf(set: StatisticSet, stat: Statistic): number {
  switch (stat) {
    case "SampleCount":
      return set.sampleCount;
    case "Sum":
      return set.sum;
    case "Minimum":
      return set.min;
    case "Maximum":
      return set.max;
    case "Average":
      return set.sampleCount === 0 ? 0 : set.sum / set.sampleCount;
  }
}

/** Whether a series has exactly these dimensions (CloudWatch matches the whole combination, in any order). */
export function sameDimensions(series: readonly Dimension[], asked: readonly Dimension[]): boolean {
  if (series.length !== asked.length) return false;
  return asked.every((a) => series.some((d) => d.Name === a.Name && d.Value === a.Value));
}
