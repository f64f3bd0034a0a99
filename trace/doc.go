// Package trace owns what srtctl-tui says about profiler output: a streaming
// summary of torch Chrome traces (GPU kernels ranked by time, memcpy and
// memset totals, GPU busy time against the span), where the GPU time went
// (HTA's temporal and kernel-type breakdowns, idle per stream, launch
// statistics; see Analysis), runs of several ranks and their comparison,
// the same kernel table from Nsight
// Systems reports through `nsys stats` when nsys is installed, and the text
// rendering of those summaries shared by the `summary` command and the UI.
//
// Traces are read once, as a stream: a gzip reader feeds a hand-written JSON
// scanner that visits the events one by one, extracts only ph, cat, name, ts,
// dur and args.stream/args.correlation, and keeps aggregates (and 32 bytes
// per GPU event and launch for the analyses, bounded). The numbers follow
// ../shared/traces/reference_summary.py exactly (same float arithmetic and
// summation order, same rounding), so its JSON output can be compared
// byte for byte with WriteJSON's.
package trace
