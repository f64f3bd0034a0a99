package runner

import (
	"strings"

	"al.essio.dev/pkg/shellescape"
)

// shellCommand joins argv into one command line for the remote shell, each
// word quoted for a POSIX shell (shellescape.Quote: single quotes keep
// $(), backticks, ; and newlines literal), run in dir when dir is not empty.
func shellCommand(dir string, argv []string) string {
	var b strings.Builder
	if dir != "" {
		b.WriteString("cd ")
		b.WriteString(shellescape.Quote(dir))
		b.WriteString(" && ")
	}
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellescape.Quote(a))
	}
	return b.String()
}
