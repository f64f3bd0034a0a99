package tail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"
)

const (
	// DefaultMaxRead caps the bytes one poll reads, so that a large backlog
	// arrives as several batches instead of one that stalls the screen.
	DefaultMaxRead = 1 << 20
	// DefaultMaxLine is the longest line kept whole: an unterminated line
	// (a progress bar redrawn with \r for minutes) is cut at this length so
	// it cannot grow without bound.
	DefaultMaxLine = 256 << 10

	// checkSize is how many bytes at the start of the file, and just before
	// the offset, are remembered to recognise a replaced file: SFTP has no
	// inode number to compare.
	checkSize = 64
)

// Restart says why a follower started over from the beginning of a file.
type Restart int

const (
	NoRestart Restart = iota
	// Truncated: the file became shorter than what was already read.
	Truncated
	// Replaced: the bytes already read are no longer the file's bytes.
	Replaced
	// Recreated: the file was deleted and a file of that name appeared again.
	Recreated
)

func (r Restart) String() string {
	switch r {
	case NoRestart:
		return ""
	case Truncated:
		return "truncated"
	case Replaced:
		return "replaced"
	case Recreated:
		return "recreated"
	}
	return fmt.Sprintf("Restart(%d)", int(r))
}

// Batch is what one poll of one file found.
type Batch struct {
	Path string
	// Lines are the whole lines read by this poll, without their "\n" (a
	// "\r" before it is kept; safetext.Line removes it). They are raw remote
	// bytes: pass them through safetext.Line before showing them.
	Lines []string
	// Cut counts lines longer than the follower's MaxLine that were split
	// into pieces; the pieces are in Lines as if they were lines.
	Cut int
	// Partial is the unterminated last line so far (raw, like Lines).
	Partial string
	// Missing: the file does not exist (yet). Keep polling.
	Missing bool
	// StateChanged: Missing differs from the previous poll (including the
	// first poll), so the screen should say "not created yet" or stop
	// saying it.
	StateChanged bool
	// Restart, if set, means the file was truncated or replaced: what was
	// shown before is not this file's content any more, and Lines start at
	// offset 0 of the new file.
	Restart Restart
	// Offset is how many bytes of the file have been consumed after this
	// poll (Lines and Partial included); Size is what Stat reported.
	Offset, Size int64
	// More: the read was capped by MaxRead and more bytes are waiting.
	More bool

	partialChanged bool
}

// Changed reports whether the batch carries anything a screen shows.
func (b *Batch) Changed() bool {
	return len(b.Lines) > 0 || b.StateChanged || b.Restart != NoRestart || b.partialChanged
}

// Follower follows one file. Its state (offset, partial line, first and last
// bytes) lives here, not in the FS: after a reconnect, Poll with the new FS
// continues where the old one stopped.
//
// A replaced file is recognised when its size is smaller, when its first
// bytes differ, or when the bytes just before the offset differ. A new file
// that is at least as long and agrees with the old one in both places is
// taken for the old one (SFTP offers nothing better).
//
// A Follower is not safe for concurrent use.
type Follower struct {
	path    string
	MaxRead int64 // bytes per poll; DefaultMaxRead when 0
	MaxLine int   // DefaultMaxLine when 0

	offset  int64
	partial []byte
	head    []byte // file[0:min(offset, checkSize)]
	anchor  []byte // file[offset-len(anchor):offset], len = min(offset, checkSize)
	modTime time.Time

	polled     bool
	present    bool
	wasPresent bool
}

// NewFollower follows the file at path (absolute, in the FS's syntax).
func NewFollower(path string) *Follower { return &Follower{path: path} }

// Path is the followed file.
func (f *Follower) Path() string { return f.path }

// Offset is how many bytes have been consumed.
func (f *Follower) Offset() int64 { return f.offset }

// Poll checks the file once and reads what was appended since the last poll.
// A missing file is not an error (Batch.Missing). Any other error is
// returned with the state untouched, so the same poll can be repeated on a
// new FS.
func (f *Follower) Poll(fsys FS) (Batch, error) {
	b := Batch{Path: f.path, Offset: f.offset, Partial: string(f.partial)}
	info, err := fsys.Stat(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		b.Missing = true
		b.StateChanged = !f.polled || f.present
		f.polled, f.present = true, false
		return b, nil
	}
	if err != nil {
		return b, err
	}
	if info.IsDir() {
		return b, &fs.PathError{Op: "follow", Path: f.path, Err: errIsDir}
	}
	if !info.Mode().IsRegular() {
		// A FIFO would block the reader, a device never ends.
		return b, &fs.PathError{Op: "follow", Path: f.path, Err: errNotRegular}
	}
	b.Size = info.Size()
	b.StateChanged = !f.polled || !f.present
	restart := NoRestart
	if !f.present && f.wasPresent && f.offset > 0 {
		restart = Recreated
	} else if b.Size < f.offset {
		restart = Truncated
	}
	if restart == NoRestart && f.present && b.Size == f.offset && info.ModTime().Equal(f.modTime) {
		// Nothing new: a stat is all an idle poll costs.
		return b, nil
	}

	r, err := fsys.Open(f.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// Deleted between Stat and Open: report it on the next poll.
			return b, nil
		}
		return b, err
	}
	defer r.Close()

	if restart == NoRestart && f.offset > int64(len(f.anchor)) {
		// The anchor does not reach back to 0: check the head separately.
		same, err := bytesAt(r, 0, f.head)
		if err != nil {
			return b, err
		}
		if !same {
			restart = Replaced
		}
	}
	start := f.offset - int64(len(f.anchor))
	if restart != NoRestart {
		start = 0
	}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return b, err
	}
	want := b.Size - start
	if restart == NoRestart {
		want = min(want, int64(len(f.anchor))+f.maxRead())
	} else {
		want = min(want, f.maxRead())
	}
	buf := make([]byte, want)
	n, err := io.ReadFull(r, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return b, err
	}
	buf = buf[:n]
	if restart == NoRestart {
		if n < len(f.anchor) || !bytes.Equal(buf[:len(f.anchor)], f.anchor) {
			// The bytes before our offset changed: a different file. Read
			// it from the start on this same poll.
			return f.restartPoll(b, r, info, Replaced)
		}
		buf = buf[len(f.anchor):]
	} else {
		f.reset()
	}
	f.commit(&b, buf, info, restart)
	return b, nil
}

// restartPoll reads the replaced file from 0 with the already open handle.
func (f *Follower) restartPoll(b Batch, r io.ReadSeeker, info fs.FileInfo, why Restart) (Batch, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return b, err
	}
	buf := make([]byte, min(b.Size, f.maxRead()))
	n, err := io.ReadFull(r, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return b, err
	}
	f.reset()
	f.commit(&b, buf[:n], info, why)
	return b, nil
}

func (f *Follower) reset() {
	f.offset = 0
	f.partial = nil
	f.head = nil
	f.anchor = nil
}

// commit consumes data (the bytes at f.offset onwards) into the batch and
// the follower's state.
func (f *Follower) commit(b *Batch, data []byte, info fs.FileInfo, restart Restart) {
	oldPartial := string(f.partial)
	f.polled, f.present, f.wasPresent = true, true, true
	f.modTime = info.ModTime()
	b.Restart = restart

	if len(f.head) < checkSize {
		f.head = append(f.head, data[:min(len(data), checkSize-len(f.head))]...)
	}
	if len(data) >= checkSize {
		f.anchor = append(f.anchor[:0], data[len(data)-checkSize:]...)
	} else {
		f.anchor = append(f.anchor, data...)
		if extra := len(f.anchor) - checkSize; extra > 0 {
			f.anchor = append(f.anchor[:0], f.anchor[extra:]...)
		}
	}
	f.offset += int64(len(data))

	maxLine := f.maxLine()
	rest := data
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		line := rest[:i]
		if len(f.partial) > 0 {
			line = append(f.partial, line...)
			f.partial = nil
		}
		b.Lines = f.appendLine(b, b.Lines, line, maxLine)
		rest = rest[i+1:]
	}
	f.partial = append(f.partial, rest...)
	for len(f.partial) > maxLine {
		b.Lines = append(b.Lines, string(f.partial[:maxLine]))
		b.Cut++
		f.partial = append(f.partial[:0], f.partial[maxLine:]...)
	}
	if len(f.partial) == 0 {
		f.partial = nil
	}
	b.Partial = string(f.partial)
	b.partialChanged = b.Partial != oldPartial
	b.Offset = f.offset
	b.More = f.offset < b.Size
}

func (f *Follower) appendLine(b *Batch, lines []string, line []byte, maxLine int) []string {
	for len(line) > maxLine {
		lines = append(lines, string(line[:maxLine]))
		b.Cut++
		line = line[maxLine:]
	}
	return append(lines, string(line))
}

func (f *Follower) maxRead() int64 {
	if f.MaxRead > 0 {
		return f.MaxRead
	}
	return DefaultMaxRead
}

func (f *Follower) maxLine() int {
	if f.MaxLine > 0 {
		return f.MaxLine
	}
	return DefaultMaxLine
}

// bytesAt reports whether r holds want at off.
func bytesAt(r io.ReadSeeker, off int64, want []byte) (bool, error) {
	if _, err := r.Seek(off, io.SeekStart); err != nil {
		return false, err
	}
	got := make([]byte, len(want))
	n, err := io.ReadFull(r, got)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	return bytes.Equal(got[:n], want), nil
}

var errIsDir = errors.New("is a directory, not a file to follow")

// errNotRegular matches fs.ErrInvalid: a problem of that file (fileLevel).
var errNotRegular error = notRegular{}

type notRegular struct{}

func (notRegular) Error() string {
	return "not a regular file (a FIFO, device or socket); not following it"
}

func (notRegular) Is(target error) bool { return target == fs.ErrInvalid }
