package jobspec

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Doc is one job file: its current bytes, the node tree parsed from them,
// and what the file looked like on disk when it was loaded (so that Save can
// refuse to overwrite someone else's change).
type Doc struct {
	name  string
	src   []byte     // current bytes; the original ones until an edit
	root  *yaml.Node // mapping node at the top; nil for an empty file
	dnode *yaml.Node // document node (carries the head comment of the file)

	disk *diskState // nil for a Doc not read from disk
	lock *FileLock  // the writers' lock LoadLocked took, until Unlock
}

type diskState struct {
	path    string
	size    int64
	modTime time.Time
	mode    fs.FileMode
	content []byte
}

// Parse reads a job file from data; filename is only used in messages. A
// file that is not YAML, or whose top level is not a mapping, gives a
// *SyntaxError with the line and column and the parser's reason.
func Parse(filename string, data []byte) (*Doc, error) {
	d := &Doc{name: filename, src: append([]byte(nil), data...)}
	if err := d.reparse(); err != nil {
		return nil, err
	}
	return d, nil
}

// Load reads and parses the file at path (a regular file, see ReadFile)
// and remembers its state on disk.
func Load(path string) (*Doc, error) {
	data, st, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	d.disk = &diskState{path: path, size: st.Size(), modTime: st.ModTime(), mode: st.Mode().Perm(), content: append([]byte(nil), data...)}
	return d, nil
}

// New returns an empty job file to build a new job into with Set and
// ApplyProfiling; keys are added in srtctl's usual order.
func New() *Doc { return &Doc{name: "new job"} }

// Name is the file name the Doc was parsed or loaded with.
func (d *Doc) Name() string { return d.name }

// Bytes returns the current content: the original bytes where nothing was
// edited. The caller must not modify the slice.
func (d *Doc) Bytes() []byte { return d.src }

// Changed reports whether the content differs from what was loaded.
func (d *Doc) Changed() bool {
	if d.disk == nil {
		return len(d.src) > 0
	}
	return !bytes.Equal(d.src, d.disk.content)
}

// Original returns the bytes as loaded from disk (nil for Parse/New).
func (d *Doc) Original() []byte {
	if d.disk == nil {
		return nil
	}
	return d.disk.content
}

// Root is the top-level mapping node, nil for an empty file. It is the
// parse of Bytes(): read it, do not modify it (edits go through Set).
func (d *Doc) Root() *yaml.Node { return d.root }

// reparse parses d.src into d.root.
func (d *Doc) reparse() error {
	root, dnode, err := parseTree(d.name, d.src)
	if err != nil {
		return err
	}
	d.root, d.dnode = root, dnode
	return nil
}

func parseTree(name string, src []byte) (root, dnode *yaml.Node, err error) {
	sc, err := gate(name, src)
	if err != nil {
		return nil, nil, err
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(asYAML11(src)))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, nil // empty file, or only comments
		}
		return nil, nil, firstOf(tabError(name, sc), SyntaxErrorOf(name, src, err))
	}
	// PyYAML's safe_load rejects a second document; say so rather than
	// edit half a file.
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, nil, &SyntaxError{File: name, Line: extra.Line, Col: extra.Column, Reason: "a job file holds one YAML document; this is a second one (remove the '---' line)"}
	} else if !errors.Is(err, io.EOF) {
		return nil, nil, firstOf(tabError(name, sc), SyntaxErrorOf(name, src, err))
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil, nil
	}
	top := doc.Content[0]
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return nil, &doc, nil
	}
	if top.Kind != yaml.MappingNode {
		return nil, nil, &SyntaxError{File: name, Line: top.Line, Col: top.Column, Reason: "a job file must be a mapping of keys (name:, model:, resources:, ...) at the top level"}
	}
	if err := checkExpansion(name, top); err != nil {
		return nil, nil, err
	}
	if err := tabError(name, sc); err != nil {
		return nil, nil, err
	}
	if err := mergeError(name, top); err != nil {
		return nil, nil, err
	}
	if err := pyyamlLoadError(name, top); err != nil {
		return nil, nil, err
	}
	return top, &doc, nil
}

var lineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// SyntaxErrorOf turns a yaml.v3 parse error of src (any YAML file, not only
// a job file) into file:line:col and what to do.
// yaml.v3 reports a line only; the column (and often a better line) comes
// from locateSyntaxError, else it is the line's first non-blank character.
func SyntaxErrorOf(name string, src []byte, err error) *SyntaxError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 1, 1
	if m := lineRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		col, msg = firstNonBlankCol(src, line), m[2]
	}
	if l, c, why, ok := locateUnreadable(src, msg); ok {
		line, col, msg = l, c, why
	} else if l, c, why, ok := locateSyntaxError(src); ok {
		line, col, msg = l, c, why
	} else if l, c, ok := locateAlias(src, msg); ok {
		line, col = l, c
	}
	if hint := syntaxHint(msg); hint != "" {
		msg += " (" + hint + ")"
	}
	return &SyntaxError{File: name, Line: line, Col: col, Reason: msg}
}

func firstNonBlankCol(src []byte, line int) int {
	lines := bytes.Split(src, []byte("\n"))
	if line < 1 || line > len(lines) {
		return 1
	}
	l := lines[line-1]
	for i, c := range []rune(string(l)) {
		if c != ' ' && c != '\t' {
			return i + 1
		}
	}
	return 1
}
