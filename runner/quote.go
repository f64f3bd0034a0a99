package runner

import "strings"

// ShellQuote quotes s as one word for a POSIX shell (sh, bash, zsh on the
// login node): single quotes keep everything literal, including $(),
// backticks, ; and newlines. A single quote inside closes the quotes,
// adds an escaped quote and reopens them.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, needsQuote) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// needsQuote reports characters outside the set a shell never interprets.
func needsQuote(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("-_./,:=@%+", r)
}

// shellCommand joins argv into one command line for the remote shell, each
// word quoted, run in dir when dir is not empty.
func shellCommand(dir string, argv []string) string {
	var b strings.Builder
	if dir != "" {
		b.WriteString("cd ")
		b.WriteString(ShellQuote(dir))
		b.WriteString(" && ")
	}
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(ShellQuote(a))
	}
	return b.String()
}
