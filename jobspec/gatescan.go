package jobspec

// gateScan is what scanYAML learned from the bytes: where nesting first
// went deeper than MaxYAMLDepth, and where the first tab outside quotes,
// comments and block scalars is (PyYAML, which srtctl loads with, refuses
// such a tab: "found character '\t' that cannot start any token"; yaml.v3
// accepts `key:<TAB>value`). Lines and columns are 1-based; 0 is none.
type gateScan struct {
	deepLine, deepCol int
	tabLine, tabCol   int
}

// maxGateIndents bounds the indentation stack; deeper is refused anyway.
const maxGateIndents = MaxYAMLDepth + 2

// scanYAML follows YAML's tokens just far enough to count nesting: flow
// brackets outside quoted and plain scalars and comments, and block levels
// as an indentation stack (a compact "- - x" is one level per dash). It
// errs on the side of counting more (a continuation line of a plain scalar
// starting with '[' counts as a bracket): the limit is far above what a
// job file uses, and the parsers behind it have their own hard limit, so
// a miscount can only turn a monstrous file away early. It stops at the
// first level too deep; it allocates nothing.
func scanYAML(src []byte) gateScan {
	var (
		out        gateScan
		indents    [maxGateIndents]int
		nIndents   int
		flow       int
		quote      byte // ' or " while inside a quoted scalar (across lines)
		plain      bool // inside a plain scalar
		plainCont  bool // the previous line ended inside a block plain scalar
		plainInd   int  // indentation of the line the plain scalar began on
		block      bool // inside a block scalar's content (| or >)
		blockPar   int  // column of the node holding the block scalar
		blockInd   int  // the block's content indentation, -1 until known
		pendingBlk bool // a | or > header was seen on this line
		nodeCol    int  // column of the last node started on this line
	)
	tooDeep := func(line, col int) bool {
		if nIndents+flow > MaxYAMLDepth && out.deepLine == 0 {
			out.deepLine, out.deepCol = line, col
		}
		return out.deepLine != 0
	}
	tab := func(line, col int) {
		if out.tabLine == 0 {
			out.tabLine, out.tabCol = line, col
		}
	}
	push := func(col int) {
		switch {
		case nIndents >= len(indents):
			nIndents++ // counted, not stored: tooDeep fires first
		case nIndents == 0 || indents[nIndents-1] < col:
			indents[nIndents] = col
			nIndents++
		}
	}
	isBlank := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }
	isFlowInd := func(c byte) bool { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' }

	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		src = src[3:] // byte order mark
	}
	lineNo := 0
	for start := 0; start <= len(src); {
		end := start
		for end < len(src) && src[end] != '\n' {
			end++
		}
		l := src[start:end]
		lineNo++
		start = end + 1
		if end == len(src) && len(l) == 0 {
			break
		}
		at := func(i int) byte {
			if i < len(l) {
				return l[i]
			}
			return '\n'
		}
		spaces := 0
		for spaces < len(l) && l[spaces] == ' ' {
			spaces++
		}
		rest := spaces == len(l) || l[spaces] == '\r'

		if block {
			switch {
			case rest:
				continue
			case blockInd < 0 && spaces > blockPar:
				blockInd = spaces
				continue
			case blockInd >= 0 && spaces >= blockInd:
				continue
			}
			block = false
		}

		p := 0
		if quote == 0 {
			if rest {
				continue
			}
			if l[spaces] == '#' && flow == 0 {
				plainCont = false
				continue
			}
			if spaces == 0 && (hasPrefixMarker(l, "---") || hasPrefixMarker(l, "...")) {
				nIndents, flow, plain, plainCont = 0, 0, false, false
				p = 3
			} else if spaces == 0 && l[0] == '%' {
				continue // a directive
			} else {
				p = spaces
				if flow == 0 {
					if plainCont && spaces > plainInd {
						plain = true // the plain scalar goes on
					} else {
						plain = false
						for nIndents > 0 && (nIndents > len(indents) || indents[nIndents-1] > spaces) {
							nIndents--
						}
						push(spaces)
						if tooDeep(lineNo, spaces+1) {
							return out
						}
					}
				}
			}
		}
		nodeCol, pendingBlk = spaces, false
		lineStartPlain := plain
		if !lineStartPlain {
			plainInd = spaces
		}

		for p < len(l) {
			c := l[p]
			if quote != 0 {
				switch {
				case c == '\\' && quote == '"':
					p += 2
				case c == quote && quote == '\'' && at(p+1) == '\'':
					p += 2
				case c == quote:
					quote = 0
					p++
				default:
					p++
				}
				continue
			}
			if c == '\t' {
				tab(lineNo, p+1)
				p++
				continue
			}
			if c == ' ' || c == '\r' {
				p++
				continue
			}
			if c == '#' && (p == 0 || isBlank(l[p-1])) {
				break // a comment to the end of the line
			}
			if plain {
				switch {
				case c == ':' && (isBlank(at(p+1)) || at(p+1) == '\n' || flow > 0 && isFlowInd(at(p+1))):
					plain = false
				case flow > 0 && (c == ',' || c == '[' || c == '{'):
					plain = false
					continue // read again as a token
				case flow > 0 && (c == ']' || c == '}'):
					plain = false
					continue
				}
				p++
				continue
			}
			// at the start of a token
			switch {
			case c == '\'' || c == '"':
				quote = c
				nodeCol = p
				p++
			case c == '[' || c == '{':
				flow++
				if tooDeep(lineNo, p+1) {
					return out
				}
				p++
			case c == ']' || c == '}':
				if flow > 0 {
					flow--
				}
				p++
			case c == ',' && flow > 0:
				p++
			case (c == '-' || c == '?' || c == ':') && (isBlank(at(p+1)) || at(p+1) == '\n'):
				if c != ':' {
					nodeCol = p
				}
				p++
				if c != ':' && flow == 0 {
					q := p
					for q < len(l) && l[q] == ' ' {
						q++
					}
					if q < len(l) && l[q] != '#' && l[q] != '\r' {
						push(q)
						if tooDeep(lineNo, q+1) {
							return out
						}
					}
				}
			case c == ':' && flow > 0 && isFlowInd(at(p+1)):
				p++
			case c == '&' || c == '!' || c == '*':
				for p < len(l) && !isBlank(l[p]) && !(flow > 0 && isFlowInd(l[p])) {
					p++
				}
			case (c == '|' || c == '>') && flow == 0 && blockHeader(l[p+1:]):
				pendingBlk = true
				p = len(l) // indicators, then at most a comment
			default:
				plain = true
				nodeCol = p
				p++
			}
		}
		plainCont = plain && flow == 0
		if pendingBlk {
			block, blockPar, blockInd = true, nodeCol, -1
		}
	}
	return out
}

// hasPrefixMarker is a document marker (--- or ...) at the start of l.
func hasPrefixMarker(l []byte, m string) bool {
	if len(l) < 3 || string(l[:3]) != m {
		return false
	}
	return len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r'
}

// blockHeader is the rest of a | or > block scalar header: indentation
// and chomping indicators, then blanks and at most a comment. Anything
// else is no block scalar (the parser fails there), and its next lines
// are scanned as YAML rather than skipped as text.
func blockHeader(rest []byte) bool {
	i := 0
	for i < len(rest) && (rest[i] == '-' || rest[i] == '+' || rest[i] >= '0' && rest[i] <= '9') {
		i++
	}
	j := i
	for j < len(rest) && (rest[j] == ' ' || rest[j] == '\r') { // a tab here is PyYAML's error
		j++
	}
	return j == len(rest) || rest[j] == '#' && j > i
}
