package jobspec

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// The YAML gate: every YAML input of the product (job files, the cluster
// configuration, the start screen's scan, the job's config.yaml read back
// from the cluster, the simulator's srtslurm.yaml) passes CheckYAML before
// any parser sees it, and DecodeYAML's expansion check before anything
// walks the tree. Parsers grow with nesting (a 120 KB `[[[[...` of 60,000
// levels took 5.5 GB in the error-locating parser), so the bytes are
// measured first with a scan that allocates nothing.
const (
	// MaxYAMLSize is the largest YAML input read; a job file is a few KB.
	MaxYAMLSize = 512 << 10
	// MaxYAMLDepth is the deepest nesting accepted, flow ([ {) and block
	// (indentation, "- - -") together, and again once aliases are expanded.
	// srtctl's own files nest about 6 deep.
	MaxYAMLDepth = 64
	// maxExpandedNodes bounds the values a tree holds once every alias is
	// expanded (a billion-laughs file is small but expands without end).
	maxExpandedNodes = 200_000
)

// CheckYAML refuses src before any parser reads it when it is larger than
// MaxYAMLSize or nests deeper than MaxYAMLDepth; name is for messages. The
// depth error is a *SyntaxError at the bracket or indicator that went too
// deep. It runs in time linear in len(src) and allocates nothing.
func CheckYAML(name string, src []byte) error {
	_, err := gate(name, src)
	return err
}

func gate(name string, src []byte) (gateScan, error) {
	if len(src) > MaxYAMLSize {
		return gateScan{}, fmt.Errorf("%s: %w", name, errTooLarge(int64(len(src))))
	}
	sc := scanYAML(src)
	if sc.deepLine > 0 {
		return sc, &SyntaxError{File: name, Line: sc.deepLine, Col: sc.deepCol,
			Reason: fmt.Sprintf("nesting deeper than %d levels ([, { or indentation); a job file nests a few levels: close the brackets, or remove the extra levels", MaxYAMLDepth)}
	}
	return sc, nil
}

func errTooLarge(size int64) error {
	return fmt.Errorf("%d bytes is more than the %d a YAML file may have here (a job file is a few KB)", size, MaxYAMLSize)
}

// DecodeYAML is the gate and the parse for YAML that is not a job file (the
// cluster configuration, srtslurm.yaml): it returns the document node, or a
// *SyntaxError with file:line:col and what to do.
func DecodeYAML(name string, src []byte) (*yaml.Node, error) {
	if err := CheckYAML(name, src); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, SyntaxErrorOf(name, src, err)
	}
	if err := checkExpansion(name, &doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// checkExpansion refuses a tree that, with its aliases expanded (as a
// decoder or a merge key does), nests deeper than MaxYAMLDepth or holds
// more than maxExpandedNodes values. Each anchored node is measured once,
// so the check itself stays linear in the tree.
func checkExpansion(name string, root *yaml.Node) error {
	type size struct {
		depth, nodes int
		alias        bool // an alias is expanded below
	}
	memo := map[*yaml.Node]size{}
	var bad *yaml.Node
	var why string
	var measure func(n *yaml.Node, depth int) size
	measure = func(n *yaml.Node, depth int) size {
		if bad != nil {
			return size{}
		}
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			s, ok := memo[n.Alias]
			if !ok {
				// An alias to a node not measured yet (yaml.v3 refuses
				// self-containing anchors): count the alias alone.
				s = size{1, 1, true}
			}
			s.alias = true
			if depth+s.depth > MaxYAMLDepth {
				bad, why = n, fmt.Sprintf("with the alias *%s expanded, nesting is deeper than %d levels", n.Value, MaxYAMLDepth)
			}
			return s
		}
		if depth > MaxYAMLDepth {
			bad, why = n, fmt.Sprintf("nesting deeper than %d levels", MaxYAMLDepth)
			return size{}
		}
		s := size{1, 1, false}
		for _, c := range n.Content {
			cs := measure(c, depth+1)
			s.depth = max(s.depth, cs.depth+1)
			s.nodes = min(s.nodes+cs.nodes, maxExpandedNodes+1)
			s.alias = s.alias || cs.alias
		}
		if s.nodes > maxExpandedNodes && bad == nil {
			bad, why = n, fmt.Sprintf("more than %d values here; a job file holds a few hundred (is this the right file?)", maxExpandedNodes)
			if s.alias {
				why = fmt.Sprintf("the aliases (*name) expand to more than %d values; use fewer aliases of large anchors", maxExpandedNodes)
			}
		}
		if n.Anchor != "" {
			memo[n] = s
		}
		return s
	}
	measure(root, 0)
	if bad != nil {
		return &SyntaxError{File: name, Line: max(bad.Line, 1), Col: max(bad.Column, 1), Reason: why}
	}
	return nil
}

// tabError refuses a tab outside quotes, comments and block scalars, as
// PyYAML (srtctl's loader) does and yaml.v3 does not.
func tabError(name string, sc gateScan) error {
	if sc.tabLine == 0 {
		return nil
	}
	return &SyntaxError{File: name, Line: sc.tabLine, Col: sc.tabCol,
		Reason: "a tab here: srtctl's YAML loader (PyYAML) accepts tabs only inside quotes, comments and | blocks (replace the tab with spaces)"}
}

// firstOf is the error that comes first in the file: a stray tab that
// PyYAML stops at before the parser's own error is the one to fix first.
func firstOf(tab error, parse *SyntaxError) error {
	var te *SyntaxError
	if errors.As(tab, &te) && (te.Line < parse.Line || te.Line == parse.Line && te.Col <= parse.Col || parse.Line <= 1 && parse.Col <= 1) {
		return te
	}
	return parse
}
