package jobspec

import "fmt"

// Severity of a Finding.
type Severity int

const (
	// Error: srtctl rejects the file, or the job would fail on the cluster.
	Error Severity = iota
	// Warning: the job runs but probably not as intended.
	Warning
	// Notice: information, such as "P1 rules not applied to this dialect".
	Notice
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Notice:
		return "notice"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// MarshalText makes Severity appear as its name in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding is one problem Validate found. Line and Col are 1-based and point
// at the offending value, or at the key (or nearest present parent key) when
// the value is missing; 0 when the file has no such place (an empty file).
type Finding struct {
	Severity Severity `json:"severity"`
	Path     string   `json:"path"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Message  string   `json:"message"`
	// Precheck marks what srtctl itself lets through and the job would fail
	// on later (or silently ignore): a check of ours, made before anything
	// is submitted. srtctl rejects a file only for the other errors.
	Precheck bool `json:"precheck,omitempty"`

	// srtctl is marshmallow's message for a field error (Path says where);
	// srtctl prints all of them as one dict (see SrtctlVerdict).
	srtctl string
	// gate marks 2.x's schema gate, which srtctl prints without the
	// "Invalid config in <path>: " prefix.
	gate bool
}

// String formats the finding as "line:col: severity: message".
func (f Finding) String() string {
	return fmt.Sprintf("%d:%d: %s: %s", f.Line, f.Col, f.Severity, f.Message)
}

// HasErrors reports whether any finding is an Error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// SyntaxError is a job file that is not YAML (or not a mapping at the top).
type SyntaxError struct {
	File      string
	Line, Col int
	Reason    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Reason)
}
