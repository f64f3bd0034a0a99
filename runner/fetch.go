package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// FetchProgress is called while Fetch copies: bytes done of total, and the
// file being copied (relative to the remote directory).
type FetchProgress func(done, total int64, file string)

// FetchResult says what Fetch did.
type FetchResult struct {
	Files, Copied, Skipped, Resumed int
	Bytes                           int64
}

type remoteFile struct {
	rel  string
	size int64
}

// Fetch copies remoteDir (recursively) to localDir. A local file whose size
// equals the remote one is complete and skipped; a partial download
// (<name>.part) is resumed from where it stopped; finished files are renamed
// into place, so a file with its final name is always whole. At the end
// every size is checked again. Remote names that could escape localDir
// (.., /), names with control characters (newline and tab included),
// bidi controls or invisible runes, and symbolic links are not copied.
func (c *Conn) Fetch(ctx context.Context, remoteDir, localDir string, progress FetchProgress) (FetchResult, error) {
	var res FetchResult
	fsys := c.FS()
	if fsys == nil {
		return res, fmt.Errorf("cluster %s: not connected", c.cluster.Name)
	}
	files, err := listFiles(ctx, fsys, remoteDir, "")
	if err != nil {
		return res, fmt.Errorf("cluster %s: listing %s: %w", c.cluster.Name, remoteDir, err)
	}
	var total, done int64
	for _, f := range files {
		total += f.size
	}
	res.Files = len(files)
	report := func(file string, force bool, last *time.Time) {
		if progress != nil && (force || time.Since(*last) >= 100*time.Millisecond) {
			*last = time.Now()
			progress(done, total, file)
		}
	}
	var last time.Time
	report("", true, &last)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		dst := filepath.Join(localDir, filepath.FromSlash(f.rel))
		if info, err := os.Stat(dst); err == nil && info.Size() == f.size {
			res.Skipped++
			done += f.size
			report(f.rel, true, &last)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return res, err
		}
		resumed, n, err := fetchFile(ctx, fsys, path.Join(remoteDir, f.rel), dst, f.size, func(delta int64) {
			done += delta
			report(f.rel, false, &last)
		})
		res.Bytes += n
		if err != nil {
			return res, fmt.Errorf("cluster %s: copying %s: %w", c.cluster.Name, path.Join(remoteDir, f.rel), err)
		}
		if resumed {
			res.Resumed++
		}
		res.Copied++
		report(f.rel, true, &last)
	}
	// Sizes at the end: a file still growing on the cluster is reported,
	// not silently left short.
	var bad []string
	for _, f := range files {
		dst := filepath.Join(localDir, filepath.FromSlash(f.rel))
		info, err := os.Stat(dst)
		rinfo, rerr := fsys.Stat(path.Join(remoteDir, f.rel))
		switch {
		case err != nil:
			bad = append(bad, f.rel+": missing locally")
		case rerr != nil:
			bad = append(bad, f.rel+": gone on the cluster")
		case info.Size() != rinfo.Size():
			bad = append(bad, fmt.Sprintf("%s: %d bytes here, %d on the cluster (still being written? fetch again)", f.rel, info.Size(), rinfo.Size()))
		}
	}
	if len(bad) > 0 {
		return res, fmt.Errorf("cluster %s: size check failed:\n  %s", c.cluster.Name, strings.Join(bad, "\n  "))
	}
	return res, nil
}

// listFiles walks dir; rel is the path below the top directory.
func listFiles(ctx context.Context, fsys FS, dir, rel string) ([]remoteFile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	infos, err := fsys.ReadDir(path.Join(dir, rel))
	if err != nil {
		return nil, err
	}
	var out []remoteFile
	for _, info := range infos {
		name := info.Name()
		if !safeName(name) {
			continue
		}
		r := path.Join(rel, name)
		switch {
		case info.IsDir():
			sub, err := listFiles(ctx, fsys, dir, r)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		case info.Mode().IsRegular():
			out = append(out, remoteFile{rel: r, size: info.Size()})
		}
	}
	return out, nil
}

func safeName(name string) bool {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\") || strings.HasSuffix(name, ".part") {
		return false
	}
	// Label turns every control character (newline and tab included),
	// bidi control and invisible rune into '?': a name it changes is not
	// copied.
	return safetext.Label(name) == name
}

// fetchFile copies remote to dst through dst.part, resuming a partial one.
func fetchFile(ctx context.Context, fsys FS, remote, dst string, size int64, advance func(int64)) (resumed bool, n int64, err error) {
	part := dst + ".part"
	var offset int64
	if info, err := os.Stat(part); err == nil && info.Size() <= size {
		offset = info.Size()
	}
	flags := os.O_WRONLY | os.O_CREATE
	if offset == 0 {
		flags |= os.O_TRUNC
	}
	w, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return false, 0, err
	}
	defer func() {
		if cerr := w.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(part, dst)
		}
	}()
	r, err := fsys.Open(remote)
	if err != nil {
		return false, 0, err
	}
	defer r.Close()
	if offset > 0 {
		if _, err := r.Seek(offset, io.SeekStart); err != nil {
			return false, 0, err
		}
		if _, err := w.Seek(offset, io.SeekStart); err != nil {
			return false, 0, err
		}
		advance(offset)
		resumed = true
	}
	cw := &countingWriter{w: w, ctx: ctx, add: advance}
	// io.Copy uses the SFTP file's WriteTo, which keeps several reads in
	// flight (a round trip per 32 KiB would crawl on a distant cluster). A
	// file that grows meanwhile is caught by Fetch's final size check.
	n, err = io.Copy(cw, r)
	if err == nil && offset+n < size {
		err = fmt.Errorf("got %d of %d bytes", offset+n, size)
	}
	if errors.Is(err, fs.ErrNotExist) {
		err = fmt.Errorf("vanished while copying: %w", err)
	}
	return resumed, n, err
}

type countingWriter struct {
	w   io.Writer
	ctx context.Context
	add func(int64)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.w.Write(p)
	c.add(int64(n))
	return n, err
}
