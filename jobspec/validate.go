package jobspec

// Validate checks the file with the rules of its detected dialect: P1
// rules for p1 and unknown, P3 rules for p3, and a single notice for
// current files; in every dialect, values srtctl's YAML loader reads
// differently. Findings are in file order.
func (d *Doc) Validate() []Finding { return d.ValidateAs(d.Dialect()) }

// ValidateAs checks the file with the rules of the given dialect, as
// --dialect asks.
func (d *Doc) ValidateAs(dia Dialect) []Finding {
	v := &validator{d: d, job: d.Job()}
	switch dia {
	case DialectCurrent:
		v.currentNotice()
	case DialectP3:
		v.common()
		v.p3()
	default:
		v.common()
		v.p1()
	}
	v.pyyamlReadings()
	v.sort()
	return v.out
}
