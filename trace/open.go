package trace

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"

	"github.com/klauspost/compress/gzip"
)

// Summarize reads one torch trace from r: plain JSON, or gzip (recognised by
// its first bytes, not by a name). It always returns a summary; when the
// input ends early or stops parsing, the summary covers what was read and
// the error (a *ParseError for the JSON, or a read error) says where.
func Summarize(r io.Reader) (*FileSummary, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return summarizeJSON(br)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		sum := (&aggregator{}).finish()
		sum.Incomplete = &ParseError{Line: 1, Col: 1, Reason: "gzip header: " + err.Error(), Err: err}
		return sum, sum.Incomplete
	}
	// klauspost's gzip decompresses about a third faster than the
	// standard library's (the stream format is the same). Decompression and
	// scanning take about the same time: run them on two cores, handing
	// over chunks.
	ra := newReadahead(zr, 1<<20, 3)
	defer ra.Close()
	return summarizeJSON(ra)
}

// SummarizeFile summarises the trace at path, with Phase, Rank and Size set
// from the path and the file. Errors name the file.
func SummarizeFile(path string) (*FileSummary, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sum, err := Summarize(f)
	sum.Path = path
	sum.Phase, sum.Rank = PhaseOf(path), RankOf(path)
	if sum.Rank == "" && sum.TraceRank != "" {
		sum.Rank = sum.TraceRank
	}
	if fi, statErr := f.Stat(); statErr == nil {
		sum.Size = fi.Size()
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		pe.Path = path
	} else if err != nil {
		err = fmt.Errorf("%s: %w", path, err)
		sum.Incomplete = err
	}
	return sum, err
}

// openRegular opens path for reading only when it is a regular file: a
// FIFO would block the read forever, a device would never end. Opening
// without blocking, then checking the opened file, leaves no race.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file (%s): only trace files are read", path, kindOfMode(fi.Mode()))
	}
	return f, nil
}

func kindOfMode(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeDevice != 0, m&os.ModeCharDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	}
	return m.Type().String()
}

// SummarizeAll summarises paths (as SummarizePath) on up to workers files
// at once, keeping their order; errs[i] is paths[i]'s error.
func SummarizeAll(ctx context.Context, paths []string, workers int) (sums []*FileSummary, errs []error) {
	sums, errs = make([]*FileSummary, len(paths)), make([]error, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(min(workers, len(paths)), 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				sums[i], errs[i] = SummarizePath(ctx, paths[i])
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	return sums, errs
}

// readahead reads src on its own goroutine into a few reusable chunks, so
// that the reader of the chunks and the producer run in parallel.
type readahead struct {
	full chan chunk
	free chan []byte
	done chan struct{}
	cur  chunk
	off  int
	err  error
}

type chunk struct {
	b   []byte
	err error
}

func newReadahead(src io.Reader, size, count int) *readahead {
	ra := &readahead{
		full: make(chan chunk, count),
		free: make(chan []byte, count),
		done: make(chan struct{}),
	}
	for range count {
		ra.free <- make([]byte, size)
	}
	go ra.produce(src)
	return ra
}

func (ra *readahead) produce(src io.Reader) {
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.done:
			return
		}
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var m int
			m, err = src.Read(buf[n:])
			n += m
		}
		select {
		case ra.full <- chunk{buf[:n], err}:
		case <-ra.done:
			return
		}
		if err != nil {
			return
		}
	}
}

func (ra *readahead) Read(p []byte) (int, error) {
	for ra.off >= len(ra.cur.b) {
		if ra.err != nil {
			return 0, ra.err
		}
		if ra.cur.b != nil {
			ra.free <- ra.cur.b[:cap(ra.cur.b)]
		}
		ra.cur, ra.off = <-ra.full, 0
		ra.err = ra.cur.err
	}
	n := copy(p, ra.cur.b[ra.off:])
	ra.off += n
	return n, nil
}

// Close stops the producer; the source is left to its owner.
func (ra *readahead) Close() error {
	close(ra.done)
	return nil
}
