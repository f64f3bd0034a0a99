package jobspec

import "fmt"

// Set sets the value at a dotted path (e.g. "profiling.decode.concurrency"),
// adding missing keys and sections in block style at their natural place.
// value may be an int, bool, string, float64, []string or []int; strings are
// written double-quoted. Only the bytes of the changed value move; the
// result is re-parsed and must read back as value, else nothing changes.
func (d *Doc) Set(path string, value any) error {
	return fmt.Errorf("not implemented yet")
}

// Delete removes the key at path and its value (the lines they occupy). A
// missing key is not an error.
func (d *Doc) Delete(path string) error {
	return fmt.Errorf("not implemented yet")
}
