package jobspec

import "sort"

type validator struct {
	d   *Doc
	job Job
	out []Finding
}

func (v *validator) add(sev Severity, path, msg string) {
	line, col := v.d.Position(path)
	v.out = append(v.out, Finding{Severity: sev, Path: path, Line: line, Col: col, Message: msg})
}

func (v *validator) sort() {
	sort.SliceStable(v.out, func(i, j int) bool {
		a, b := v.out[i], v.out[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

func (v *validator) currentNotice() {
	v.out = append(v.out, Finding{Severity: Notice, Path: "", Line: 1, Col: 1,
		Message: "written for srtctl 2026: profiling traffic comes from the benchmark; P1 rules not applied"})
}

func (v *validator) common() {}
func (v *validator) p1()     {}
func (v *validator) p3()     {}
