package trace

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Phases in display order.
var Phases = []string{"prefill", "decode", "aggregated"}

// PhaseOf infers the phase from a trace's path: the file name first
// (`...-decode.trace.json.gz`, `decode_0.nsys-rep`), then the nearest
// directory named like a phase (`profiles/prefill/`). "" when none says.
func PhaseOf(path string) string {
	parts := strings.Split(filepath.ToSlash(path), "/")
	for i := len(parts) - 1; i >= 0; i-- {
		lower := strings.ToLower(parts[i])
		for _, ph := range Phases {
			if phaseWord(lower, ph) {
				return ph
			}
		}
	}
	return ""
}

// phaseWord reports whether ph occurs in s as a word (not inside another
// word, so "predecoder" does not count).
func phaseWord(s, ph string) bool {
	for from := 0; ; {
		i := strings.Index(s[from:], ph)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(ph)
		if (i == 0 || !isLetter(s[i-1])) && (end == len(s) || !isLetter(s[end])) {
			return true
		}
		from = i + 1
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

var (
	torchRank = regexp.MustCompile(`(?:^|[-_.])(TP-\d+(?:-DP-\d+)?(?:-PP-\d+)?(?:-EP-\d+)?)`)
	nsysRank  = regexp.MustCompile(`_(\d+)\.nsys-rep$`)
)

// RankOf infers the rank label from a file name: "TP-0" or "TP-1-DP-0" for
// SGLang's torch traces, "0" for `decode_0.nsys-rep`; "" when unknown.
func RankOf(path string) string {
	base := filepath.Base(path)
	if m := torchRank.FindStringSubmatch(base); m != nil {
		return m[1]
	}
	if m := nsysRank.FindStringSubmatch(base); m != nil {
		return m[1]
	}
	return ""
}

// FileKind classifies a path by name: a torch trace, an nsys report, a
// report still being written, or something else.
type FileKind int

const (
	FileOther FileKind = iota
	FileTorch
	FileNsysReport
	FileNsysPartial // .qdstrm: Nsight Systems has not finished the report
)

// KindOf classifies path by its name.
func KindOf(path string) FileKind {
	base := strings.ToLower(filepath.Base(path))
	switch {
	case strings.HasSuffix(base, ".json"), strings.HasSuffix(base, ".json.gz"):
		return FileTorch
	case strings.HasSuffix(base, ".nsys-rep"), strings.HasSuffix(base, ".qdrep"):
		return FileNsysReport
	case strings.HasSuffix(base, ".qdstrm"):
		return FileNsysPartial
	}
	return FileOther
}

// Find expands paths into the trace and report files they name: a file is
// taken as given, a directory is walked for *.json, *.json.gz, *.nsys-rep,
// *.qdrep and *.qdstrm. The result is sorted by phase, then path.
func Find(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && KindOf(path) != FileOther {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b string) int {
		if c := phaseIndex(PhaseOf(a)) - phaseIndex(PhaseOf(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(out), nil
}

// phaseIndex orders phases for display; unknown phases come last.
func phaseIndex(ph string) int {
	if i := slices.Index(Phases, ph); i >= 0 {
		return i
	}
	return len(Phases)
}
