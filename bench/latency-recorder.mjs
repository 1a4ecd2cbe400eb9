// Latency samples (milliseconds) and their percentiles. Keeps every sample: a run records at most a
// few hundred thousand, and exact percentiles beat a histogram's buckets at these sizes.
export class LatencyRecorder {
  #samples = new Float64Array(1024);
  #count = 0;

  record(ms) {
    if (this.#count === this.#samples.length) {
      const grown = new Float64Array(this.#samples.length * 2);
      grown.set(this.#samples);
      this.#samples = grown;
    }
    this.#samples[this.#count++] = ms;
  }

  get count() {
    return this.#count;
  }

  /** Nearest-rank percentile (p in 0..100); NaN without samples. */
  percentile(p) {
    if (this.#count === 0) return Number.NaN;
    const sorted = this.#samples.slice(0, this.#count).sort();
    const rank = Math.min(this.#count, Math.max(1, Math.ceil((p / 100) * this.#count)));
    return sorted[rank - 1];
  }

  summary() {
    return { count: this.#count, p50: this.percentile(50), p99: this.percentile(99), max: this.percentile(100) };
  }
}

/** The median of numbers (the mean of the middle two for an even count); NaN for none. */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
